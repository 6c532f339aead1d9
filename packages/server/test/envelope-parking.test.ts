import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { ServerFrame } from '@omechat/protocol';
import type { Connection } from '../src/ports/connection.js';
import type { Delivery } from '../src/core/relay/delivery.js';
import { EnvelopeParking } from '../src/core/relay/envelope-parking.js';
import { LiveDelivery } from '../src/core/relay/live-delivery.js';
import { MessageBlockCache } from '../src/core/relay/message-block-cache.js';
import { DEFAULT_RELAY_LIMITS } from '../src/core/relay/relay-limits.js';
import { emptyRelayStats } from '../src/core/relay/relay-stats.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const hex = () => randomBytes(32).toString('hex');

/** A connection that records frames; the core only sees the port. */
function connection(user_hash: string, client_hash: string): Connection & { frames: ServerFrame[] } {
  const frames: ServerFrame[] = [];
  return { user_hash, client_hash, frames, bufferedBytes: () => 0, send: (f) => frames.push(f), close() {} };
}

it('wakes a connection that opened while an append for its client was being written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'omechat-parking-'));
  dirs.push(dir);
  const store = new SqliteStore({ filename: join(dir, 'omechat.db') });
  const [sender, recipient, client] = [hex(), hex(), hex()];
  for (const user_hash of [sender, recipient])
    await store.createUser({
      user_hash,
      username: user_hash.slice(0, 8),
      username_key: user_hash.slice(0, 8),
      secret_hash: 'x',
      age_at_signup: 20,
      created_at: 1,
      last_seen_day: null,
      secret_kind: 'authenticator',
      legacy_secret: false,
      identity_key: null,
    });
  await store.createClient({
    client_hash: client,
    user_hash: recipient,
    token_hash: hex(),
    label: null,
    created_at: 1,
    last_seen_day: null,
    rotation_only: false,
  });
  const deliveries = new LiveDelivery(DEFAULT_RELAY_LIMITS);
  const woken: Delivery[] = [];
  const parking = new EnvelopeParking({
    store,
    cache: new MessageBlockCache(1 << 20),
    deliveries,
    limits: DEFAULT_RELAY_LIMITS,
    stats: emptyRelayStats(),
    wake: (d) => woken.push(d),
  });
  const appending = parking.store([
    {
      recipient_client: client,
      from_user: sender,
      from_client: hex(),
      chat_id: 'c'.repeat(32),
      msg_id: 'm'.repeat(32),
      ts: 1,
      ciphertext: 'AAAA',
      cf: 'AAAA',
      rf: 'AAAA',
      kid: 1,
      expires_at: Date.now() + 60_000,
    },
  ]);
  // The client connects (and, say, its drain found nothing yet) before the append commits.
  const d = deliveries.open(connection(recipient, client));
  d.live = true;
  await appending;
  expect(woken).toEqual([d]);
  expect(d.live).toBe(false); // back through the store, so order is kept
  await store.close();
});
