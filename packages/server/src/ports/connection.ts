import type { ErrorCode, OmeChatError, ServerFrame } from '@omechat/protocol';

/**
 * One authenticated client connection as the core sees it. The WebSocket adapter implements it;
 * the core never touches a socket.
 */
export interface Connection {
  readonly user_hash: string;
  readonly client_hash: string;
  /** Frames queued but not yet written to the network, in bytes (for back-pressure). */
  bufferedBytes(): number;
  /** Writes a frame. Callers check `bufferedBytes()` first for envelopes; control frames always go. */
  send(frame: ServerFrame): void;
  /** Closes the connection with a catalogue error as the reason (sent first as an error frame). */
  close(reason: ErrorCode | OmeChatError): void;
}
