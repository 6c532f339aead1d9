import type { ServerFrame } from '@omechat/protocol';
import type { Connection } from '../../ports/connection.js';
import { TypedEmitter } from '../typed-emitter.js';

export interface ConnectionHubEvents {
  /** The user's first client connected on this node. */
  userOnline: { user_hash: string };
  /** The user's last client on this node left. */
  userOffline: { user_hash: string };
}

/**
 * The authenticated connections on this node, by client and by user. Tells its subscribers when a
 * user's first client connects and last client leaves (presence towards chat partners).
 */
export class ConnectionHub {
  private readonly byClient = new Map<string, Connection>();
  /** A user's connections: the connection itself while there is one (most users), else a Set. */
  private readonly byUser = new Map<string, Connection | Set<Connection>>();
  readonly events = new TypedEmitter<ConnectionHubEvents>();

  /** Registers a connection; an older connection of the same client is returned so the caller can close it. */
  add(conn: Connection): Connection | undefined {
    const previous = this.byClient.get(conn.client_hash);
    if (previous) this.remove(previous);
    this.byClient.set(conn.client_hash, conn);
    const held = this.byUser.get(conn.user_hash);
    if (held === undefined) this.byUser.set(conn.user_hash, conn);
    else if (held instanceof Set) held.add(conn);
    else this.byUser.set(conn.user_hash, new Set([held, conn]));
    if (held === undefined) this.events.emit('userOnline', { user_hash: conn.user_hash });
    return previous;
  }

  remove(conn: Connection): boolean {
    if (this.byClient.get(conn.client_hash) !== conn) return false;
    this.byClient.delete(conn.client_hash);
    const held = this.byUser.get(conn.user_hash);
    if (held instanceof Set) {
      held.delete(conn);
      if (held.size === 1) this.byUser.set(conn.user_hash, held.values().next().value!);
    } else if (held === conn) {
      this.byUser.delete(conn.user_hash);
      this.events.emit('userOffline', { user_hash: conn.user_hash });
    }
    return true;
  }

  client(client_hash: string): Connection | undefined {
    return this.byClient.get(client_hash);
  }

  user(user_hash: string): Iterable<Connection> {
    const held = this.byUser.get(user_hash);
    return held === undefined ? [] : held instanceof Set ? held : [held];
  }

  isOnline(user_hash: string): boolean {
    return this.byUser.has(user_hash);
  }

  onlineUsers(): Iterable<string> {
    return this.byUser.keys();
  }

  /** Sends a control frame to every connection of a user, optionally except one client. */
  sendToUser(user_hash: string, frame: ServerFrame, exceptClient?: string): void {
    for (const c of this.user(user_hash)) if (c.client_hash !== exceptClient) c.send(frame);
  }

  get size(): number {
    return this.byClient.size;
  }
}
