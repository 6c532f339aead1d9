import { useEffect, useId, useState } from 'react';
import {
  MAX_REPORT_NOTE_CHARS,
  REPORT_REASONS,
  REPORT_REASON_CODES,
  errorText,
  type ChatMessage,
  type OmeChatClient,
  type ReportReason,
} from '../../sdk.js';
import { clockTime } from '../../format.js';
import { Modal } from '../modal.js';

export interface ReportDialogProps {
  client: OmeChatClient;
  chatId: string;
  partner: string;
  onReported(): void;
  onClose(): void;
}

/**
 * Reporting a chat: the reason from the catalogue, and exactly which received messages will be
 * revealed to the moderators (the last 20 by default; each can be left out). Reporting also blocks.
 */
export function ReportDialog({ client, chatId, partner, onReported, onClose }: ReportDialogProps) {
  const id = useId();
  const [candidates, setCandidates] = useState<ChatMessage[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.reportPreview(chatId).then(
      (msgs) => {
        setCandidates(msgs);
        setChosen(new Set(msgs.map((m) => m.msg_id)));
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [client, chatId]);

  const submit = async () => {
    setError(null);
    if (!reason) return setError('Choose what happened.');
    if (chosen.size === 0) return setError('Choose at least one message to show the moderators.');
    setBusy(true);
    try {
      await client.report(chatId, { reason, msg_ids: [...chosen], ...(note.trim() ? { note } : {}) });
      onReported();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <Modal
      title={`Report ${partner}`}
      description="Moderators will see the messages you choose below, checked as really sent by them, and nothing else. Reporting also blocks them."
      onClose={onClose}
      testid="report-dialog"
      wide
    >
      <form
        className="form report-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset className="report-reasons">
          <legend>What happened?</legend>
          {REPORT_REASON_CODES.map((code, i) => (
            <label key={code} className="check">
              <input
                type="radio"
                name={`${id}-reason`}
                value={code}
                checked={reason === code}
                onChange={() => setReason(code)}
                data-testid={`report-reason-${code}`}
                {...(i === 0 ? { 'data-autofocus': true } : {})}
              />
              <span>{REPORT_REASONS[code].label}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="report-messages">
          <legend>Messages the moderators will see</legend>
          {candidates === null ? (
            <p className="muted">Loading…</p>
          ) : candidates.length === 0 ? (
            <p className="hint" data-testid="report-nothing">
              {partner} sent you no message this device can show, so there is nothing to report. You can block
              them instead.
            </p>
          ) : (
            <ul className="report-message-list" data-testid="report-messages">
              {candidates.map((m) => (
                <li key={m.msg_id}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={chosen.has(m.msg_id)}
                      onChange={(e) => {
                        const next = new Set(chosen);
                        if (e.target.checked) next.add(m.msg_id);
                        else next.delete(m.msg_id);
                        setChosen(next);
                      }}
                      data-testid="report-message"
                    />
                    <span>
                      <time className="muted">{clockTime(m.ts)}</time> {m.text}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-note`}>Anything else the moderators should know? (optional)</label>
          <textarea
            id={`${id}-note`}
            rows={2}
            maxLength={MAX_REPORT_NOTE_CHARS}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
        {error ? (
          <p className="form-error" role="alert" data-testid="report-error">
            {error}
          </p>
        ) : null}
        <div className="modal-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-danger"
            disabled={busy || !candidates?.length}
            data-testid="report-submit"
          >
            {busy ? 'Sending…' : `Report and block (${chosen.size})`}
          </button>
        </div>
      </form>
    </Modal>
  );
}
