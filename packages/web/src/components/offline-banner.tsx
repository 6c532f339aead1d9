import { useRef } from 'react';
import type { ConnectionState } from '../sdk.js';

/**
 * A visible, announced line while the connection is down (the SDK reconnects and sends queued
 * messages by itself). The status region always exists, so its text is announced when it appears.
 */
export function OfflineBanner({ connection }: { connection: ConnectionState }) {
  // The first "connecting" is the app starting; any later loss of "online" is a lost connection.
  const wasOnline = useRef(false);
  if (connection === 'online') wasOnline.current = true;
  const down = connection === 'offline' || (connection === 'connecting' && wasOnline.current);
  return (
    <div
      className={down ? 'offline-banner offline-banner-shown' : 'offline-banner'}
      role="status"
      data-testid="offline-banner"
      data-shown={down}
    >
      {down ? 'No connection — messages will be sent when you are back.' : null}
    </div>
  );
}
