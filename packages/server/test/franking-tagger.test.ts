import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  computeFrankingTag,
  frankingCommitment,
  frankingReport,
  verifyFrankingReport,
} from '@omechat/crypto';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { FrankingTagger } from '../src/core/relay/franking-tagger.js';

const dir = mkdtempSync(join(tmpdir(), 'omechat-franking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FrankingTagger', () => {
  it('gives exactly what @omechat/crypto computes, so reports verify; the key survives a restart', async () => {
    const store = new SqliteStore({ filename: join(dir, 'db') });
    const tagger = new FrankingTagger(store, { now: () => 1 });
    await tagger.init();
    const kf = Buffer.alloc(32, 1).toString('base64');
    const cf = frankingCommitment(kf, 'hi');
    const rf = tagger.tag(cf, 'alice', 'bob', 'm1', 1234);
    const kid = String(tagger.kid);
    expect(rf).toBe(
      computeFrankingTag(tagger.keyFor(kid)!, {
        kid,
        cf,
        sender: 'alice',
        recipient: 'bob',
        msgId: 'm1',
        ts: 1234,
      }),
    );
    expect(tagger.tag(cf, 'alice', 'bob', 'm1', 1235)).not.toBe(rf);

    const report = frankingReport(
      { body: 'hi', kf, sender: 'alice' },
      { cf, rf, sender: 'alice', recipient: 'bob', msgId: 'm1', ts: 1234, kid },
    );
    await store.close();
    const again = new FrankingTagger(new SqliteStore({ filename: join(dir, 'db') }), { now: () => 2 });
    await again.init();
    expect(again.tag(cf, 'alice', 'bob', 'm1', 1234)).toBe(rf);
    // A report of this message verifies with the server's key; a changed body does not.
    expect(verifyFrankingReport(report, (kid) => again.keyFor(kid))).toBe(true);
    expect(verifyFrankingReport({ ...report, body: 'HI' }, (kid) => again.keyFor(kid))).toBe(false);
  });
});

describe('FrankingTagger key rotation', () => {
  it('rotates by period, shares keys between nodes, verifies old kids from the store, prunes after retention', async () => {
    const HOUR = 3_600_000;
    let now = Date.UTC(2026, 2, 1, 10);
    const clock = { now: () => now };
    const policy = { rotationMs: 24 * HOUR, retentionMs: 10 * 24 * HOUR };
    const store = new SqliteStore({ filename: join(dir, 'rotation.db') });
    const node1 = new FrankingTagger(store, clock, policy);
    const node2 = new FrankingTagger(store, clock, policy);
    await node1.init();
    await node2.init();
    const kid0 = node1.kid;
    expect(kid0 % 24).toBe(0); // the period's start, in hours since the epoch
    expect(node2.kid).toBe(kid0);
    const cf = frankingCommitment(Buffer.alloc(32, 3).toString('base64'), 'x');
    expect(node2.tag(cf, 'a', 'b', 'm', 5)).toBe(node1.tag(cf, 'a', 'b', 'm', 5));
    const old = node1.tag(cf, 'a', 'b', 'm', 5);

    now += 24 * HOUR;
    await node1.rotate();
    expect(node1.kid).toBe(kid0 + 24);
    expect(node1.tag(cf, 'a', 'b', 'm', 5)).not.toBe(old);
    // A restarted node holds only the current keys, yet verifies yesterday's tag from the store.
    const restarted = new FrankingTagger(store, clock, policy);
    await restarted.init();
    expect(restarted.keyFor(String(kid0))).toBeUndefined();
    const key = await restarted.verificationKey(kid0);
    expect(
      computeFrankingTag(key!, { kid: String(kid0), cf, sender: 'a', recipient: 'b', msgId: 'm', ts: 5 }),
    ).toBe(old);

    now += 11 * 24 * HOUR;
    await restarted.rotate();
    expect(await restarted.pruneStore()).toBeGreaterThan(0);
    expect(await restarted.verificationKey(kid0)).toBeUndefined();
    expect(await restarted.verificationKey(restarted.kid)).toBeDefined();
    await store.close();
  });
});
