import { describe, expect, test } from 'vitest';
import { toBase64 } from './base64.js';
import {
  checkFranking,
  computeFrankingTag,
  frankingCommitment,
  frankingReport,
  newFrankingKey,
  verifyFrankingReport,
} from './franking.js';
import type { FrankingReport } from './franking.js';

const serverKeys: Record<string, Uint8Array> = {
  k1: new Uint8Array(32).fill(1),
  k2: new Uint8Array(32).fill(2),
};
const keyFor = (kid: string) => serverKeys[kid];
const SENDER = 'a'.repeat(64);
const RECIPIENT = 'b'.repeat(64);

function genuine(): FrankingReport {
  const kf = newFrankingKey();
  const body = 'something abusive';
  const cf = frankingCommitment(kf, body);
  const ctx = { kid: 'k1', cf, sender: SENDER, recipient: RECIPIENT, msgId: 'm-1', ts: 1_700_000_000_000 };
  const rf = computeFrankingTag(serverKeys.k1!, ctx);
  return frankingReport({ body, kf, sender: SENDER }, { ...ctx, rf });
}

describe('franking', () => {
  test('a genuine report verifies', () => {
    expect(verifyFrankingReport(genuine(), keyFor)).toBe(true);
  });

  const changes: [string, (r: FrankingReport) => FrankingReport][] = [
    ['body', (r) => ({ ...r, body: r.body + '!' })],
    ['franking key', (r) => ({ ...r, kf: newFrankingKey() })],
    ['commitment', (r) => ({ ...r, cf: frankingCommitment(r.kf, 'other') })],
    ['sender', (r) => ({ ...r, sender: 'c'.repeat(64) })],
    ['recipient', (r) => ({ ...r, recipient: 'c'.repeat(64) })],
    ['message id', (r) => ({ ...r, msg_id: 'm-2' })],
    ['timestamp', (r) => ({ ...r, ts: r.ts + 1 })],
    ['key id', (r) => ({ ...r, kid: 'k2' })],
    ['unknown key id', (r) => ({ ...r, kid: 'k9' })],
    ['tag', (r) => ({ ...r, rf: toBase64(new Uint8Array(32)) })],
    ['malformed tag', (r) => ({ ...r, rf: 'nope' })],
    ['negative timestamp', (r) => ({ ...r, ts: -1 })],
  ];
  test.each(changes)('a changed %s fails', (_name, change) => {
    expect(verifyFrankingReport(change(genuine()), keyFor)).toBe(false);
  });

  test('field boundaries are unambiguous', () => {
    const cf = frankingCommitment(newFrankingKey(), 'x');
    const base = { kid: 'k1', cf, recipient: RECIPIENT, ts: 5 };
    const t1 = computeFrankingTag(serverKeys.k1!, { ...base, sender: 'ab', msgId: 'c' });
    const t2 = computeFrankingTag(serverKeys.k1!, { ...base, sender: 'a', msgId: 'bc' });
    expect(t1).not.toBe(t2);
    expect(() => computeFrankingTag(new Uint8Array(16), { ...base, sender: 'a', msgId: 'b' })).toThrow(
      expect.objectContaining({ code: 'bad_argument' }),
    );
  });

  test('the recipient drops a message whose commitment or sender does not match', () => {
    const kf = newFrankingKey();
    const msg = { body: 'hi', kf, sender: SENDER };
    const cf = frankingCommitment(kf, 'hi');
    expect(() => checkFranking(msg, { cf, sender: SENDER })).not.toThrow();
    expect(() => checkFranking({ ...msg, body: 'hj' }, { cf, sender: SENDER })).toThrow(
      expect.objectContaining({ code: 'franking_mismatch' }),
    );
    expect(() => checkFranking(msg, { cf: 'garbage', sender: SENDER })).toThrow(
      expect.objectContaining({ code: 'franking_mismatch' }),
    );
    expect(() => checkFranking(msg, { cf, sender: RECIPIENT })).toThrow(
      expect.objectContaining({ code: 'sender_mismatch' }),
    );
  });
});
