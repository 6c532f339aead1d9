import type Database from 'better-sqlite3';
import type { BlockStore, ChatRecord, ChatStore } from '../../ports/store.js';
import type { SqliteCheckpointer } from './sqlite-checkpointer.js';

/** Chats and blocked pairs in SQLite. */
export class SqliteChatStore implements ChatStore, BlockStore {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly checkpoints: SqliteCheckpointer,
  ) {
    this.stmts = {
      insertChat: db.prepare(
        'INSERT INTO chats (chat_id, user_a, user_b, origin, created_at) VALUES (@chat_id, @user_a, @user_b, @origin, @created_at)',
      ),
      getChat: db.prepare('SELECT * FROM chats WHERE chat_id = ?'),
      listChats: db.prepare(
        'SELECT * FROM chats WHERE user_a = ? OR user_b = ? ORDER BY created_at, chat_id',
      ),
      deleteChat: db.prepare('DELETE FROM chats WHERE chat_id = ?'),
      addBlockedPair: db.prepare(
        'INSERT INTO blocked_pairs (pair_hash, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      isBlockedPair: db.prepare('SELECT 1 FROM blocked_pairs WHERE pair_hash = ?'),
      listBlockedPairs: db.prepare('SELECT pair_hash FROM blocked_pairs'),
    };
  }

  async createChat(chat: ChatRecord): Promise<void> {
    this.stmts.insertChat.run(chat);
  }

  async getChat(chat_id: string): Promise<ChatRecord | null> {
    return (this.stmts.getChat.get(chat_id) as ChatRecord | undefined) ?? null;
  }

  async listChats(user_hash: string): Promise<ChatRecord[]> {
    return this.stmts.listChats.all(user_hash, user_hash) as ChatRecord[];
  }

  async deleteChat(chat_id: string): Promise<boolean> {
    const deleted = this.stmts.deleteChat.run(chat_id).changes === 1;
    if (deleted) this.checkpoints.soon();
    return deleted;
  }

  async addBlockedPair(pair_hash: string, now: number): Promise<void> {
    this.stmts.addBlockedPair.run(pair_hash, now);
  }

  async isBlockedPair(pair_hash: string): Promise<boolean> {
    return this.stmts.isBlockedPair.get(pair_hash) !== undefined;
  }

  async listBlockedPairs(): Promise<string[]> {
    return (this.stmts.listBlockedPairs.all() as { pair_hash: string }[]).map((r) => r.pair_hash);
  }
}
