import { useRef } from 'react';
import type { ConnectionState } from '../sdk.js';

/** The SDK reconnects by itself; this only tells the user what is going on. */
export function ConnectionIndicator({ state }: { state: ConnectionState }) {
  // "connecting" after having been online means the SDK is reconnecting.
  const wasOnline = useRef(false);
  if (state === 'online') wasOnline.current = true;
  const shown =
    state === 'online' ? 'online' : wasOnline.current || state === 'offline' ? 'reconnecting' : 'connecting';
  const label = shown === 'online' ? 'Online' : shown === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
  return (
    <span
      className={`conn conn-${shown}`}
      role="status"
      data-testid="connection-indicator"
      data-state={state}
      title={label}
    >
      <span className="conn-dot" aria-hidden="true" />
      <span className="conn-label">{label}</span>
    </span>
  );
}
