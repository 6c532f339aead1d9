import { useState, type ReactNode } from 'react';
import { Modal } from './modal.js';

export interface ConfirmDialogProps {
  title: string;
  description: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): Promise<void> | void;
  onClose(): void;
  testid: string;
}

/** "Are you sure?" with the safe choice focused first. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={props.title} description={props.description} onClose={props.onClose} testid={props.testid}>
      <div className="modal-actions">
        <button type="button" className="btn btn-ghost" onClick={props.onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className={props.danger ? 'btn btn-danger' : 'btn btn-primary'}
          disabled={busy}
          data-testid={`${props.testid}-confirm`}
          onClick={async () => {
            setBusy(true);
            try {
              await props.onConfirm();
            } finally {
              setBusy(false);
            }
          }}
        >
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
