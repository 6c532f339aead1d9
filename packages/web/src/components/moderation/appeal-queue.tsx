import { useCallback, useState } from 'react';
import type { ModeratorApi } from '../../sdk.js';
import { AppealCard } from './appeal-card.js';
import { QueueList } from './queue-list.js';
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
    <QueueList
      id="appeals-title"
      title="Open appeals"
      items={items}
      error={error}
      status={status}
      reload={() => void reload()}
      empty="No open appeals."
      emptyTestId="appeals-empty"
      itemKey={(a) => a.appeal_id}
      renderItem={(a) => (
        <AppealCard
          api={api}
          appeal={a}
          onDecided={(text) => {
            setStatus(text);
            void reload();
          }}
        />
      )}
    />
  );
}
