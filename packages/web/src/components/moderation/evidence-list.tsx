import { fullTime } from '../../format.js';

/** The text of a franked body (the SDK's JSON text body); anything else is shown as it is. */
function bodyText(body: string): string {
  try {
    const b = JSON.parse(body) as { t?: unknown; text?: unknown };
    if (b && b.t === 'text' && typeof b.text === 'string') return b.text;
  } catch {
    /* shown raw */
  }
  return body;
}

/** Messages the server verified as really sent by the reported account to the reporter. */
export function EvidenceList({
  evidence,
}: {
  evidence: { msg_id: string; ts: number; body: string }[] | null;
}) {
  if (!evidence) return <p className="muted">The evidence was deleted (retention).</p>;
  return (
    <ol className="evidence" data-testid="report-evidence" aria-label="Verified messages">
      {evidence.map((m) => (
        <li key={m.msg_id} data-testid="evidence-message">
          <time className="muted small" dateTime={new Date(m.ts).toISOString()}>
            {fullTime(m.ts)}
          </time>{' '}
          <span className="evidence-text">{bodyText(m.body)}</span>
        </li>
      ))}
    </ol>
  );
}
