import { useState } from 'react';
import { errorText } from '../sdk.js';
import { Modal } from './modal.js';

export interface DeleteAccountDialogProps {
  username: string;
  onConfirm(): Promise<void>;
  onClose(): void;
}

/** Deleting is final, so the user types their pseudonym to confirm. */
export function DeleteAccountDialog({ username, onConfirm, onClose }: DeleteAccountDialogProps) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ok = typed.trim() === username;
  return (
    <Modal
      title="Delete your account?"
      description="Your account, devices, keys and chats are deleted for good. Your chat partners see that you left."
      onClose={onClose}
      testid="delete-account-dialog"
    >
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!ok) return;
          setBusy(true);
          setError(null);
          try {
            await onConfirm();
          } catch (err) {
            setError(errorText(err));
            setBusy(false);
          }
        }}
      >
        <div className="field">
          <label htmlFor="delete-confirm-input">
            Type your pseudonym <strong className="mono">{username}</strong> to confirm
          </label>
          <input
            id="delete-confirm-input"
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-autofocus
            data-testid="delete-confirm-input"
          />
        </div>
        {error ? (
          <p className="form-error" role="alert">
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
            disabled={!ok || busy}
            data-testid="delete-confirm"
          >
            {busy ? 'Deleting…' : 'Delete account'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
