import { OmeChatError } from '@omechat/protocol';
import type { ClientEvents } from './sdk-types.js';

/** Where the client's modules report events: the `OmeChatClient` that composes them. */
export interface ClientEventSink {
  emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void;
}

/** Reports a failure of background work (no caller to reject) as an `error` event. */
export function reportError(events: ClientEventSink, e: unknown): void {
  const err = e instanceof OmeChatError ? e : null;
  events.emit('error', {
    code: err?.code ?? 'INTERNAL',
    message: err?.message ?? (e as Error)?.message ?? String(e),
  });
}
