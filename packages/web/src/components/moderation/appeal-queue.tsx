import { useCallback, useState } from 'react';
import type { ModeratorApi } from '../../sdk.js';
import { AppealCard } from './appeal-card.js';
import { useQueue } from './use-queue.js';

export interface AppealQueueProps {
  api: ModeratorApi;
  onUnauthenticated(): void;
}

/** Open appeals, oldest first: each is decided by a person. */
export function AppealQueue({ api, onUnauthenticated }: AppealQueueProps) {
  const load = useCallback(() => api.appeals({ status: 'open', limit: 200 }), [api]);
  const { items, error, reload } = useQueue(load, onUnauthenticated);
  const [status, setStatus] = useState('');
  return (
    <section aria-labelledby="appeals-title" className="mod-queue">
      <h1 id="appeals-title" className="page-title">
        Open appeals {items ? `(${items.length})` : ''}
      </h1>
      <p className="sr-only" role="status" aria-live="polite">
        {status}
      </p>
      {status ? (
        <p className="notice" data-testid="mod-status">
          {status}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className="btn btn-ghost btn-small" onClick={() => void reload()}>
        Reload
      </button>
      {items?.length === 0 ? (
        <p className="muted" data-testid="appeals-empty">
          No open appeals.
        </p>
      ) : null}
      {items?.map((a) => (
        <AppealCard
          key={a.appeal_id}
          api={api}
          appeal={a}
          onDecided={(text) => {
            setStatus(text);
            void reload();
          }}
        />
      ))}
    </section>
  );
}
