import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { ClientRecord, Store, UserRecord } from '../ports/store.js';

/**
 * The storage contract every Store adapter must pass. An adapter's test file calls this with a
 * factory that opens a fresh, empty store on real storage (a temp SQLite file, a fresh PostgreSQL
 * schema) and a cleanup.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<{ store: Store; cleanup(): Promise<void> }>,
) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    const hex = () => randomBytes(32).toString('hex');
    const user = (over: Partial<UserRecord> = {}): UserRecord => ({
      user_hash: hex(),
      username: 'Alice',
      username_key: 'alice',
      secret_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      age_at_signup: 16,
      created_at: 1_700_000_000_000,
      last_seen_day: null,
      ...over,
    });
    const client = (user_hash: string, over: Partial<ClientRecord> = {}): ClientRecord => ({
      client_hash: hex(),
      user_hash,
      token_hash: hex(),
      label: null,
      created_at: 1_700_000_000_000,
      last_seen_day: null,
      ...over,
    });

    it('creates and reads users by hash and username key', async () => {
      const u = user();
      expect(await store.createUser(u)).toBe(true);
      expect(await store.getUser(u.user_hash)).toEqual(u);
      expect(await store.getUserByUsernameKey('alice')).toEqual(u);
      expect(await store.getUser(hex())).toBeNull();
      expect(await store.getUserByUsernameKey('nobody')).toBeNull();
    });

    it('refuses a second user with the same username key', async () => {
      expect(await store.createUser(user())).toBe(true);
      expect(await store.createUser(user({ username: 'ALICE' }))).toBe(false);
    });

    it('creates, lists and deletes clients of a user only', async () => {
      const a = user();
      const b = user({ username_key: 'bob', username: 'bob' });
      await store.createUser(a);
      await store.createUser(b);
      const c1 = client(a.user_hash, { created_at: 1 });
      const c2 = client(a.user_hash, { created_at: 2, label: 'phone' });
      const c3 = client(b.user_hash);
      for (const c of [c1, c2, c3]) await store.createClient(c);
      expect(await store.getClient(c2.client_hash)).toEqual(c2);
      expect((await store.listClients(a.user_hash)).map((c) => c.client_hash)).toEqual([
        c1.client_hash,
        c2.client_hash,
      ]);
      expect(await store.deleteClient(b.user_hash, c1.client_hash)).toBe(false);
      expect(await store.deleteClient(a.user_hash, c1.client_hash)).toBe(true);
      expect(await store.getClient(c1.client_hash)).toBeNull();
      expect(await store.listClients(a.user_hash)).toHaveLength(1);
    });

    it('records the last-seen day on the client and its user', async () => {
      const u = user();
      await store.createUser(u);
      const c = client(u.user_hash);
      await store.createClient(c);
      await store.touchLastSeen(c.client_hash, '2026-11-24');
      expect((await store.getClient(c.client_hash))?.last_seen_day).toBe('2026-11-24');
      expect((await store.getUser(u.user_hash))?.last_seen_day).toBe('2026-11-24');
    });

    it('deleting a user deletes its clients', async () => {
      const u = user();
      await store.createUser(u);
      const c = client(u.user_hash);
      await store.createClient(c);
      expect(await store.deleteUser(u.user_hash)).toBe(true);
      expect(await store.getUser(u.user_hash)).toBeNull();
      expect(await store.getClient(c.client_hash)).toBeNull();
      expect(await store.deleteUser(u.user_hash)).toBe(false);
    });
  });
}
