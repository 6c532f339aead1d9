import { OmeChatError, type PartnerInfo, type ServerFrame } from '@omechat/protocol';
import type { ClientRequester } from './client-connection.js';

/**
 * Meeting people: the stranger queue (find, next, cancel), browsing, invitations, availability,
 * and leaving or blocking a chat. Remembers a search in progress, because the server forgets the
 * queue when the socket drops: `rejoin()` puts this client back after a reconnect.
 */
export class ClientMatching {
  /** The tolerance of a search in progress, or null. */
  private searching: number | null = null;

  constructor(private readonly connection: ClientRequester) {}

  async findStranger(tolerance: number): Promise<'waiting' | 'matched'> {
    const r = await this.connection.requestAny({ type: 'match.join', tolerance });
    return this.outcome(r, tolerance);
  }

  async cancelSearch(): Promise<void> {
    this.searching = null;
    await this.connection.request({ type: 'match.cancel' }, 'match.cancelled');
  }

  async next(chat_id: string, tolerance: number): Promise<'waiting' | 'matched'> {
    const r = await this.connection.requestAny({ type: 'match.next', chat_id, tolerance });
    return this.outcome(r, tolerance);
  }

  /** A match was found: the search is over. */
  matched(): void {
    this.searching = null;
  }

  /** Back in the queue after a reconnect (at its end: the server forgot us when the socket dropped). */
  async rejoin(): Promise<void> {
    if (this.searching !== null) await this.findStranger(this.searching);
  }

  async leave(chat_id: string): Promise<void> {
    await this.connection.request({ type: 'chat.leave', chat_id }, 'ok');
  }

  async block(chat_id: string): Promise<void> {
    await this.connection.request({ type: 'block', chat_id }, 'ok');
  }

  async browse(tolerance: number, limit = 10): Promise<PartnerInfo[]> {
    return (await this.connection.request({ type: 'browse', tolerance, limit }, 'browse.result')).people;
  }

  async setAvailability(open: boolean, tolerance: number): Promise<void> {
    await this.connection.request({ type: 'availability', open, tolerance }, 'ok');
  }

  async invite(user_hash: string, tolerance: number): Promise<void> {
    await this.connection.request({ type: 'invite', user_hash, tolerance }, 'invite.sent');
  }

  async answerInvite(invitation_id: string, accept: boolean): Promise<void> {
    await this.connection.request({ type: 'invite.answer', invitation_id, accept }, 'ok');
  }

  private outcome(r: ServerFrame, tolerance: number): 'waiting' | 'matched' {
    if (r.type === 'match.waiting') {
      this.searching = tolerance;
      return 'waiting';
    }
    if (r.type === 'ok') return 'matched';
    throw new OmeChatError('INTERNAL', { message: `Unexpected reply ${r.type}` });
  }
}
