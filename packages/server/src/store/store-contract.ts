import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { ClientRecord, NewEnvelope, Store, UserRecord } from '../ports/store.js';

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
      secret_kind: 'authenticator',
      legacy_secret: false,
      identity_key: null,
      ...over,
    });
    const client = (user_hash: string, over: Partial<ClientRecord> = {}): ClientRecord => ({
      client_hash: hex(),
      user_hash,
      token_hash: hex(),
      label: null,
      created_at: 1_700_000_000_000,
      last_seen_day: null,
      rotation_only: false,
      ...over,
    });

    it('keeps the probation trust count per account, from the sign-up, reset by a strike, deleted with the account', async () => {
      const u = user({ created_at: 1_700_000_000_000 });
      await store.createUser(u);
      expect(await store.getTrust(u.user_hash)).toBeNull();
      await store.addTrustedChat(u.user_hash);
      await store.addTrustedChat(u.user_hash);
      expect(await store.getTrust(u.user_hash)).toEqual({ chats: 2, since: 1_700_000_000_000 });
      await store.resetTrust(u.user_hash, 1_800_000_000_000);
      expect(await store.getTrust(u.user_hash)).toEqual({ chats: 0, since: 1_800_000_000_000 });
      await store.addTrustedChat(u.user_hash);
      expect(await store.getTrust(u.user_hash)).toEqual({ chats: 1, since: 1_800_000_000_000 });
      await store.addTrustedChat(hex()); // no such account: nothing happens
      await store.deleteUser(u.user_hash);
      expect(await store.getTrust(u.user_hash)).toBeNull();
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

    it('registers an identity key once, marks legacy secrets, rotates atomically', async () => {
      const u = user();
      await store.createUser(u);
      const keep = client(u.user_hash, { rotation_only: true });
      const other = client(u.user_hash);
      await store.createClient(keep);
      await store.createClient(other);
      expect(await store.getClient(keep.client_hash)).toEqual(keep);
      expect(await store.setIdentityKey(u.user_hash, 'K1')).toBe(true);
      expect(await store.setIdentityKey(u.user_hash, 'K2')).toBe(false);
      expect((await store.getUser(u.user_hash))!.identity_key).toBe('K1');
      expect(await store.markLegacySecret(u.user_hash)).toBe(true);
      expect(await store.markLegacySecret(hex())).toBe(false);
      expect(await store.getUser(u.user_hash)).toMatchObject({ secret_kind: 'raw', legacy_secret: true });

      expect(
        await store.rotateSecret({
          user_hash: u.user_hash,
          keep_client: hex(),
          secret_hash: 'h',
          identity_key: 'K3',
        }),
      ).toBeNull();
      const revoked = await store.rotateSecret({
        user_hash: u.user_hash,
        keep_client: keep.client_hash,
        secret_hash: 'new-hash',
        identity_key: 'K3',
      });
      expect(revoked).toEqual([other.client_hash]);
      expect(await store.getUser(u.user_hash)).toMatchObject({
        secret_hash: 'new-hash',
        secret_kind: 'authenticator',
        legacy_secret: false,
        identity_key: 'K3',
      });
      expect(await store.listClients(u.user_hash)).toEqual([{ ...keep, rotation_only: false }]);
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

    async function twoUsersWithClients() {
      const a = user();
      const b = user({ username: 'bob', username_key: 'bob' });
      await store.createUser(a);
      await store.createUser(b);
      const ca = client(a.user_hash);
      const cb = client(b.user_hash);
      await store.createClient(ca);
      await store.createClient(cb);
      return { a, b, ca, cb };
    }

    const envelope = (
      recipient_client: string,
      from_user: string,
      over: Partial<NewEnvelope> = {},
    ): NewEnvelope => ({
      recipient_client,
      from_user,
      from_client: hex(),
      chat_id: 'f'.repeat(32),
      msg_id: hex().slice(0, 32),
      ts: 1000,
      ciphertext: 'Y2lwaGVy',
      cf: 'Y2Y=',
      rf: 'cmY=',
      kid: 1,
      expires_at: 5000,
      ...over,
    });

    it('creates, lists and deletes chats', async () => {
      const { a, b } = await twoUsersWithClients();
      const chat = {
        chat_id: '1'.repeat(32),
        user_a: a.user_hash,
        user_b: b.user_hash,
        origin: 'match' as const,
        created_at: 5,
      };
      await store.createChat(chat);
      expect(await store.getChat(chat.chat_id)).toEqual(chat);
      expect(await store.listChats(b.user_hash)).toEqual([chat]);
      expect(await store.deleteChat(chat.chat_id)).toBe(true);
      expect(await store.getChat(chat.chat_id)).toBeNull();
      expect(await store.deleteChat(chat.chat_id)).toBe(false);
    });

    it('appends envelopes with increasing ids, reads pages in order, deletes by recipient only', async () => {
      const { a, b, ca, cb } = await twoUsersWithClients();
      const stored = await store.appendEnvelopes([
        envelope(cb.client_hash, a.user_hash, { ciphertext: 'MQ==' }),
        envelope(cb.client_hash, a.user_hash, { ciphertext: 'Mg==' }),
        envelope(ca.client_hash, b.user_hash),
        envelope(cb.client_hash, a.user_hash, { ciphertext: 'Mw==' }),
      ]);
      const ids = stored.map((e) => Number(e.id));
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      const page1 = await store.readEnvelopes(cb.client_hash, null, 2);
      expect(page1.map((e) => e.ciphertext)).toEqual(['MQ==', 'Mg==']);
      expect(page1[0]).toEqual(stored[0]);
      const page2 = await store.readEnvelopes(cb.client_hash, page1[1]!.id, 10);
      expect(page2.map((e) => e.ciphertext)).toEqual(['Mw==']);
      expect(await store.countEnvelopes(cb.client_hash)).toBe(3);
      // Another recipient cannot delete them.
      expect(await store.deleteEnvelopes(ca.client_hash, [stored[0]!.id])).toBe(0);
      expect(await store.deleteEnvelopes(cb.client_hash, [stored[0]!.id, stored[1]!.id])).toBe(2);
      expect(await store.countEnvelopes(cb.client_hash)).toBe(1);
      expect(await store.deleteExpiredEnvelopes(5000)).toBe(2);
      expect(await store.countEnvelopes(ca.client_hash)).toBe(0);
    });

    it('makes envelopes visible to a recipient in id order, even when appends for it run concurrently', async () => {
      // A drain reads `id > lastSentId`: if a lower id became visible after a higher one, the
      // drain would skip it until the next reconnect (issue 13, seen on PostgreSQL).
      const { a, cb } = await twoUsersWithClients();
      const total = 240;
      let appended = 0;
      const writers = Array.from({ length: 12 }, async () => {
        for (let i = 0; i < total / 12; i++) {
          await store.appendEnvelopes([
            envelope(cb.client_hash, a.user_hash),
            envelope(cb.client_hash, a.user_hash),
          ]);
          appended += 2;
        }
      });
      const seen = new Set<string>();
      let last: string | null = null;
      const reader = (async () => {
        while (appended < total * 2) {
          for (const e of await store.readEnvelopes(cb.client_hash, last, 50)) {
            seen.add(e.id);
            last = e.id;
          }
          await new Promise((r) => setImmediate(r));
        }
        for (;;) {
          const page = await store.readEnvelopes(cb.client_hash, last, 50);
          if (page.length === 0) break;
          for (const e of page) {
            seen.add(e.id);
            last = e.id;
          }
        }
      })();
      await Promise.all([...writers, reader]);
      const all = await store.readEnvelopes(cb.client_hash, null, total * 4);
      expect(all).toHaveLength(total * 2);
      expect(all.filter((e) => !seen.has(e.id)).map((e) => e.id)).toEqual([]);
    });

    it("shortens the expiry of an ended chat's pending envelopes, and only of that chat", async () => {
      const { a, b, ca, cb } = await twoUsersWithClients();
      const [ended, other] = ['3'.repeat(32), '4'.repeat(32)];
      await store.appendEnvelopes([
        envelope(cb.client_hash, a.user_hash, { chat_id: ended, expires_at: 10_000 }),
        envelope(ca.client_hash, b.user_hash, { chat_id: ended, expires_at: 500 }),
        envelope(cb.client_hash, a.user_hash, { chat_id: other, expires_at: 10_000 }),
      ]);
      // One was already due sooner than the limit: it keeps its earlier expiry.
      expect(await store.limitChatEnvelopes(ended, 1000)).toBe(1);
      expect(await store.deleteExpiredEnvelopes(999)).toBe(1);
      expect(await store.deleteExpiredEnvelopes(1000)).toBe(1);
      expect(await store.countEnvelopes(cb.client_hash)).toBe(1); // the other chat's
      expect(await store.countEnvelopes(ca.client_hash)).toBe(0);
    });

    it('deleting an account deletes its envelopes, chats and keys', async () => {
      const { a, b, ca, cb } = await twoUsersWithClients();
      await store.createChat({
        chat_id: '2'.repeat(32),
        user_a: a.user_hash,
        user_b: b.user_hash,
        origin: 'match',
        created_at: 1,
      });
      await store.appendEnvelopes([
        envelope(cb.client_hash, a.user_hash),
        envelope(ca.client_hash, b.user_hash),
      ]);
      await store.putBundle(ca.client_hash, 'bundle', 1);
      await store.addOneTimePrekeys(ca.client_hash, [{ id: 1, key: 'k' }]);
      await store.deleteUser(a.user_hash);
      expect(await store.listChats(b.user_hash)).toEqual([]);
      expect(await store.countEnvelopes(cb.client_hash)).toBe(0); // sent by a
      expect(await store.takeBundle(ca.client_hash)).toBeNull();
    });

    it('stores bundles and hands out each one-time prekey once', async () => {
      const { ca } = await twoUsersWithClients();
      expect(await store.takeBundle(ca.client_hash)).toBeNull();
      await store.putBundle(ca.client_hash, 'b1', 1);
      await store.putBundle(ca.client_hash, 'b2', 2);
      await store.addOneTimePrekeys(ca.client_hash, [
        { id: 2, key: 'k2' },
        { id: 1, key: 'k1' },
        { id: 1, key: 'dup' },
      ]);
      expect(await store.countOneTimePrekeys(ca.client_hash)).toBe(2);
      await store.addOneTimeKemPrekeys(ca.client_hash, [
        { id: 9, key: 'q9', signature: 's9' },
        { id: 9, key: 'dup', signature: 'dup' },
      ]);
      expect(await store.countOneTimeKemPrekeys(ca.client_hash)).toBe(1);
      expect(await store.takeBundle(ca.client_hash)).toEqual({
        bundle: 'b2',
        one_time_prekey: { id: 1, key: 'k1' },
        one_time_kem_prekey: { id: 9, key: 'q9', signature: 's9' },
      });
      expect(await store.takeBundle(ca.client_hash)).toEqual({
        bundle: 'b2',
        one_time_prekey: { id: 2, key: 'k2' },
        one_time_kem_prekey: null,
      });
      expect(await store.takeBundle(ca.client_hash)).toEqual({
        bundle: 'b2',
        one_time_prekey: null,
        one_time_kem_prekey: null,
      });
      expect(await store.countOneTimeKemPrekeys(ca.client_hash)).toBe(0);
    });

    it('keeps pending totals per recipient through appends, acks, expiry and deletions', async () => {
      const { a, b, ca, cb } = await twoUsersWithClients();
      const cb2 = client(b.user_hash);
      await store.createClient(cb2);
      expect(await store.pendingUsage([cb.client_hash])).toEqual(new Map());
      const stored = await store.appendEnvelopes([
        envelope(cb.client_hash, a.user_hash, { ciphertext: 'AAAA' }),
        envelope(cb.client_hash, a.user_hash, { ciphertext: 'AAAABBBB', expires_at: 9000 }),
        envelope(cb2.client_hash, a.user_hash, { ciphertext: 'AAAABBBBCCCC' }),
        envelope(ca.client_hash, b.user_hash, { ciphertext: 'QQ==' }),
      ]);
      const usage = () => store.pendingUsage([cb.client_hash, cb2.client_hash, ca.client_hash, hex()]);
      expect(await usage()).toEqual(
        new Map([
          [cb.client_hash, { envelopes: 2, bytes: 12 }],
          [cb2.client_hash, { envelopes: 1, bytes: 12 }],
          [ca.client_hash, { envelopes: 1, bytes: 4 }],
        ]),
      );
      await store.deleteEnvelopes(cb.client_hash, [stored[0]!.id]);
      await store.deleteExpiredEnvelopes(5000);
      expect(await usage()).toEqual(new Map([[cb.client_hash, { envelopes: 1, bytes: 8 }]]));
      // Deleting the sender deletes what it sent; deleting the device forgets its totals.
      await store.appendEnvelopes([envelope(cb2.client_hash, b.user_hash, { ciphertext: 'AAAA' })]);
      await store.deleteUser(a.user_hash);
      expect(await usage()).toEqual(new Map([[cb2.client_hash, { envelopes: 1, bytes: 4 }]]));
      await store.deleteClient(b.user_hash, cb2.client_hash);
      expect(await usage()).toEqual(new Map());
    });

    it('refuses a client over the per-user cap, atomically', async () => {
      const u = user();
      await store.createUser(u);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.createClient(client(u.user_hash), 5)),
      );
      expect(results.filter(Boolean)).toHaveLength(5);
      expect(await store.listClients(u.user_hash)).toHaveLength(5);
      expect(await store.createClient(client(u.user_hash), 5)).toBe(false);
      expect(await store.createClient(client(u.user_hash), 6)).toBe(true);
      expect(await store.createClient(client(u.user_hash))).toBe(true);
    });

    it('keeps server keys first-writer-wins and blocked pairs', async () => {
      expect(await store.getOrCreateServerKey('franking', 1, 'aa', 1)).toBe('aa');
      expect(await store.getOrCreateServerKey('franking', 1, 'bb', 2)).toBe('aa');
      expect(await store.getOrCreateServerKey('pair', 1, 'cc', 2)).toBe('cc');
      await store.addBlockedPair('p1', 1);
      await store.addBlockedPair('p1', 2);
      expect(await store.isBlockedPair('p1')).toBe(true);
      expect(await store.isBlockedPair('p2')).toBe(false);
      expect(await store.listBlockedPairs()).toEqual(['p1']);
    });
  });
}
