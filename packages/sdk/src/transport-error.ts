import { OmeChatError } from '@omechat/protocol';

/**
 * The error for transport failures that have no server code (unreachable server, timeout, closed
 * connection). The catalogue is shared with the server, so these use SERVICE_BUSY: "try again shortly".
 */
export function transportError(message: string): OmeChatError {
  return new OmeChatError('SERVICE_BUSY', { message });
}
