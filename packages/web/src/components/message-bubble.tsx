import type { ChatMessage } from '../sdk.js';
import { clockTime, fullTime } from '../format.js';

const STATUS_TEXT: Record<ChatMessage['status'], string> = {
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent',
};

function Ticks({ status }: { status: ChatMessage['status'] }) {
  if (status === 'sending')
    return (
      <svg className="ticks" viewBox="0 0 16 16" aria-hidden="true">
        <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
        <path d="M8 5v3.2l2 1.3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
      </svg>
    );
  if (status === 'failed') return null;
  const double = status !== 'sent';
  return (
    <svg className="ticks" viewBox="0 0 20 16" aria-hidden="true">
      <path d="M1.5 8.5 5 12l7-8" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      {double ? (
        <path
          d="M8 12 15 4M9 11l1 1"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinecap="round"
        />
      ) : null}
    </svg>
  );
}

export function MessageBubble({ message, onRetry }: { message: ChatMessage; onRetry?(): void }) {
  const mine = message.from_me;
  return (
    <li
      className={`bubble-row ${mine ? 'bubble-row-mine' : 'bubble-row-theirs'}`}
      data-testid="message-bubble"
      data-status={message.status}
      data-from={mine ? 'me' : 'them'}
      data-msg-id={message.msg_id}
    >
      <div
        className={`bubble ${mine ? 'bubble-mine' : 'bubble-theirs'} ${message.status === 'failed' ? 'bubble-failed' : ''}`}
      >
        <span className="sr-only">{mine ? 'You: ' : 'Them: '}</span>
        <p className="bubble-text">{message.text}</p>
        <span className="bubble-meta">
          <time dateTime={new Date(message.ts).toISOString()} title={fullTime(message.ts)}>
            {clockTime(message.ts)}
          </time>
          {mine ? (
            <span className={`status status-${message.status}`} data-testid="message-status">
              <Ticks status={message.status} />
              <span className={message.status === 'failed' ? '' : 'sr-only'}>
                {STATUS_TEXT[message.status]}
              </span>
            </span>
          ) : null}
        </span>
      </div>
      {message.status === 'failed' && onRetry ? (
        <button
          type="button"
          className="btn btn-ghost btn-small retry"
          onClick={onRetry}
          data-testid="message-retry"
        >
          Retry
        </button>
      ) : null}
    </li>
  );
}
