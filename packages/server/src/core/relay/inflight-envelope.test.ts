import { describe, expect, it } from 'vitest';
import type { EnvelopeRecord } from '../../ports/store.js';
import { liveEnvelope, storedEnvelope, storedIdOf, toEnvelopeFrame } from './inflight-envelope.js';

const record: EnvelopeRecord = {
  id: '42',
  recipient_client: 'r',
  from_user: 'u',
  from_client: 'c',
  chat_id: 'chat',
  msg_id: 'm',
  ts: 1,
  ciphertext: 'x',
  cf: 'cf',
  rf: 'rf',
  kid: 1,
  expires_at: 2,
};

describe('in-flight envelope ids', () => {
  it('gives live and stored envelopes wire ids that never collide, and knows which name stored rows', () => {
    const { id: _id, ...unstored } = record;
    const live = liveEnvelope(42, unstored);
    const stored = storedEnvelope(record);
    expect(live.kind).toBe('live');
    expect(stored.kind).toBe('stored');
    expect(stored.id).toBe('42');
    expect(live.id).not.toBe(stored.id);
    expect(storedIdOf(stored.id)).toBe('42');
    expect(storedIdOf(live.id)).toBeNull();
    // Acknowledged ids come from the client: anything that is not a store id names nothing stored.
    expect(storedIdOf('abc')).toBeNull();
  });

  it('puts the wire id and only the routing fields the client needs into the frame', () => {
    const frame = toEnvelopeFrame(storedEnvelope(record));
    expect(frame).toEqual({
      type: 'envelope',
      id: '42',
      chat_id: 'chat',
      msg_id: 'm',
      from_user: 'u',
      from_client: 'c',
      ts: 1,
      ciphertext: 'x',
      cf: 'cf',
      rf: 'rf',
      kid: 1,
    });
  });
});
