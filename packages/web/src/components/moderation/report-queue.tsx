import { useCallback, useState } from 'react';
import type { ModeratorApi } from '../../sdk.js';
import { BulkDismissForm } from './bulk-dismiss-form.js';
import { ReportCard } from './report-card.js';
import { useQueue } from './use-queue.js';

export interface ReportQueueProps {
  api: ModeratorApi;
  onUnauthenticated(): void;
}

type Flood = { report_ids: string[] } | { reported: string; username: string };

/** Open reports, most severe first (minors' safety), then oldest: the order the API gives. */
export function ReportQueue({ api, onUnauthenticated }: ReportQueueProps) {
  const load = useCallback(() => api.reports({ status: 'open', limit: 200 }), [api]);
  const { items, error, reload } = useQueue(load, onUnauthenticated);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [flood, setFlood] = useState<Flood | null>(null);
  const [status, setStatus] = useState('');

  return (
    <section aria-labelledby="reports-title" className="mod-queue">
      <h1 id="reports-title" className="page-title">
        Open reports {items ? `(${items.length})` : ''}
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
      <div className="row-actions">
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={() => void reload()}
          data-testid="mod-reload"
        >
          Reload
        </button>
        {selected.size > 0 ? (
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => setFlood({ report_ids: [...selected] })}
            data-testid="bulk-dismiss"
          >
            Dismiss {selected.size} selected
          </button>
        ) : null}
      </div>
      {flood ? (
        <BulkDismissForm
          what={
            'report_ids' in flood
              ? `${flood.report_ids.length} selected reports`
              : `every open report against ${flood.username}`
          }
          onCancel={() => setFlood(null)}
          onDismiss={async (statement) => {
            const n = await api.dismissReports(
              'report_ids' in flood
                ? { report_ids: flood.report_ids, statement }
                : { reported: flood.reported, statement },
            );
            setFlood(null);
            setSelected(new Set());
            setStatus(`${n} reports dismissed.`);
            await reload();
          }}
        />
      ) : null}
      {items?.length === 0 ? (
        <p className="muted" data-testid="reports-empty">
          No open reports.
        </p>
      ) : null}
      {items?.map((r) => (
        <ReportCard
          key={r.report_id}
          api={api}
          report={r}
          selected={selected.has(r.report_id)}
          onSelect={(on) => {
            const next = new Set(selected);
            if (on) next.add(r.report_id);
            else next.delete(r.report_id);
            setSelected(next);
          }}
          onResolved={(text) => {
            setStatus(text);
            void reload();
          }}
          onDismissFlood={(reported) =>
            setFlood({ reported, username: r.reported?.username ?? 'this account' })
          }
        />
      ))}
    </section>
  );
}
