import type { Invitation } from '../session-state.js';
import { Modal } from './modal.js';
import { Avatar } from './avatar.js';

export function InvitePrompt({
  invitation,
  onAnswer,
}: {
  invitation: Invitation;
  onAnswer(accept: boolean): void;
}) {
  const { from } = invitation;
  return (
    <Modal
      title="Chat invitation"
      description={`${from.username} (${from.age}) would like to chat with you.`}
      onClose={() => onAnswer(false)}
      testid="invite-dialog"
    >
      <div className="invite-from">
        <Avatar name={from.username} size="lg" />
        <div>
          <strong>{from.username}</strong>
          <div className="muted">Age {from.age}</div>
        </div>
      </div>
      <div className="modal-actions">
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => onAnswer(false)}
          data-testid="invite-decline"
        >
          Decline
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => onAnswer(true)}
          data-autofocus
          data-testid="invite-accept"
        >
          Accept
        </button>
      </div>
    </Modal>
  );
}
