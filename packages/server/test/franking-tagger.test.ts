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
    expect(rf).toBe(
      computeFrankingTag(tagger.keyFor('1')!, {
        kid: '1',
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
      { cf, rf, sender: 'alice', recipient: 'bob', msgId: 'm1', ts: 1234, kid: '1' },
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
