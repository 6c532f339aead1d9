import type { BlockStore, ChatRecord, ChatStore } from '../../ports/store.js';
import type { PostgresQueries } from './postgres-queries.js';

/** Chats and blocked pairs on PostgreSQL. */
export class PostgresChatStore implements ChatStore, BlockStore {
  constructor(private readonly db: PostgresQueries) {}

  async createChat(chat: ChatRecord): Promise<void> {
    await this.db.q(
      'INSERT INTO chats (chat_id, user_a, user_b, origin, created_at) VALUES ($1, $2, $3, $4, $5)',
      [chat.chat_id, chat.user_a, chat.user_b, chat.origin, chat.created_at],
    );
  }

  async getChat(chat_id: string): Promise<ChatRecord | null> {
    return (await this.db.q<ChatRecord>('SELECT * FROM chats WHERE chat_id = $1', [chat_id])).rows[0] ?? null;
  }

  async listChats(user_hash: string): Promise<ChatRecord[]> {
    return (
      await this.db.q<ChatRecord>(
        'SELECT * FROM chats WHERE user_a = $1 OR user_b = $1 ORDER BY created_at, chat_id',
        [user_hash],
      )
    ).rows;
  }

  async deleteChat(chat_id: string): Promise<boolean> {
    return (await this.db.q('DELETE FROM chats WHERE chat_id = $1', [chat_id])).rowCount === 1;
  }

  async addBlockedPair(pair_hash: string, now: number): Promise<void> {
    await this.db.q(
      'INSERT INTO blocked_pairs (pair_hash, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [pair_hash, now],
    );
  }

  async isBlockedPair(pair_hash: string): Promise<boolean> {
    return (await this.db.q('SELECT 1 FROM blocked_pairs WHERE pair_hash = $1', [pair_hash])).rowCount === 1;
  }

  async listBlockedPairs(): Promise<string[]> {
    return (await this.db.q<{ pair_hash: string }>('SELECT pair_hash FROM blocked_pairs')).rows.map(
      (r) => r.pair_hash,
    );
  }
}
