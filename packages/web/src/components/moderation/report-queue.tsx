import { useCallback, useState } from 'react';
import type { ModeratorApi } from '../../sdk.js';
import { BulkDismissForm } from './bulk-dismiss-form.js';
import { ReportCard } from './report-card.js';
import { QueueList } from './queue-list.js';
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
    <QueueList
      id="reports-title"
      title="Open reports"
      items={items}
      error={error}
      status={status}
      reload={() => void reload()}
      empty="No open reports."
      emptyTestId="reports-empty"
      itemKey={(r) => r.report_id}
      actions={
        selected.size > 0 ? (
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => setFlood({ report_ids: [...selected] })}
            data-testid="bulk-dismiss"
          >
            Dismiss {selected.size} selected
          </button>
        ) : null
      }
      renderItem={(r) => (
        <ReportCard
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
      )}
    >
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
    </QueueList>
  );
}
