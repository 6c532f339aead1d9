import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportedClient, ImportedUser, Store } from '../ports/store.js';

/** The V1ImportStore part of the storage contract (same factories as store-contract.ts). */
export function describeV1ImportStoreContract(
  name: string,
  open: () => Promise<{ store: Store; cleanup(): Promise<void> }>,
) {
  describe(`V1ImportStore contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    const v1Id = () => randomBytes(64).toString('hex');
    const user = (name: string): ImportedUser => ({
      user_hash: v1Id(),
      username: name,
      username_key: name.toLowerCase(),
      secret_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      age_at_signup: 15,
      created_at: 1_700_000_000_000,
    });
    const client = (user_hash: string): ImportedClient => ({
      client_hash: v1Id(),
      user_hash,
      token_hash: randomBytes(32).toString('hex'),
      label: 'OmeChat v1',
      created_at: 1_700_000_000_000,
    });

    it('inserts users in a batch, skipping hash and username collisions, and finds them again', async () => {
      const a = user('Ann');
      const b = user('Ben');
      expect(await store.v1Import.insertUsers([a, b])).toEqual(new Set([a.user_hash, b.user_hash]));
      expect(await store.getUser(a.user_hash)).toEqual({
        ...a,
        last_seen_day: null,
        secret_kind: 'raw',
        legacy_secret: true,
        identity_key: null,
      });
      const sameName = user('ANN');
      const c = user('Cid');
      const inserted = await store.v1Import.insertUsers([
        { ...a, username: 'other', username_key: 'other' },
        sameName,
        c,
      ]);
      expect(inserted).toEqual(new Set([c.user_hash]));
      const found = await store.v1Import.findUsers(
        [a.user_hash, sameName.user_hash, v1Id()],
        ['ann', 'nobody'],
      );
      expect(found.existing).toEqual(new Set([a.user_hash]));
      expect(found.keyHolders).toEqual(new Map([['ann', a.user_hash]]));
      expect(await store.v1Import.insertUsers([])).toEqual(new Set());
    });

    it('inserts clients up to the cap per user, counting clients already there, and skips collisions', async () => {
      const a = user('Ann');
      await store.v1Import.insertUsers([a]);
      const first = client(a.user_hash);
      expect(await store.v1Import.insertClients([first], 3)).toEqual(new Set([first.client_hash]));
      const more = [client(a.user_hash), client(a.user_hash), client(a.user_hash)];
      const inserted = await store.v1Import.insertClients([first, ...more], 3);
      expect(inserted).toEqual(new Set([more[0]!.client_hash, more[1]!.client_hash]));
      expect(await store.listClients(a.user_hash)).toHaveLength(3);
      expect(await store.getClient(first.client_hash)).toMatchObject({
        token_hash: first.token_hash,
        rotation_only: true,
      });
      const owners = await store.v1Import.findClients([first.client_hash, more[2]!.client_hash]);
      expect(owners).toEqual(new Map([[first.client_hash, a.user_hash]]));
    });
  });
}
