import type { DeliveredEnvelope, ServerFrameOf } from '@omechat/protocol';
import type { EnvelopeRecord, NewEnvelope } from '../../ports/store.js';

/**
 * An envelope sent on a connection and not yet acknowledged. `live`: pushed at once and not stored
 * (parked in the store if the connection closes first); `stored`: read from the store, deleted
 * there when acknowledged. `id` is the id on the wire, where the client acknowledges it.
 */
export type InflightEnvelope =
  | { kind: 'live'; id: string; envelope: NewEnvelope }
  | { kind: 'stored'; id: string; envelope: EnvelopeRecord };

// The only place that knows how the two kinds of ids look on the wire: stored ids are the store's
// decimal ids; live ids must never collide with them, so they carry a letter.
const LIVE_ID_PREFIX = 't';
const STORED_ID = /^[0-9]+$/;

export function liveEnvelope(seq: number, envelope: NewEnvelope): InflightEnvelope {
  return { kind: 'live', id: `${LIVE_ID_PREFIX}${seq.toString(36)}`, envelope };
}

export function storedEnvelope(record: EnvelopeRecord): InflightEnvelope {
  return { kind: 'stored', id: record.id, envelope: record };
}

/**
 * The store id an acknowledged wire id names, or null when it names nothing stored (a live
 * envelope's id, perhaps of an earlier connection whose inflight list is gone).
 */
export function storedIdOf(wireId: string): string | null {
  return STORED_ID.test(wireId) ? wireId : null;
}

export function toEnvelopeFrame({ id, envelope: e }: InflightEnvelope): ServerFrameOf<'envelope'> {
  const env: DeliveredEnvelope = {
    id,
    chat_id: e.chat_id,
    msg_id: e.msg_id,
    from_user: e.from_user,
    from_client: e.from_client,
    ts: e.ts,
    ciphertext: e.ciphertext,
    cf: e.cf,
    rf: e.rf,
    kid: e.kid,
  };
  return { type: 'envelope', ...env };
}
