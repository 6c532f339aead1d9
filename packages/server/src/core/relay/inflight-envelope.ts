import type { DeliveredEnvelope, ServerFrameOf } from '@omechat/protocol';
import type { EnvelopeRecord, NewEnvelope } from '../../ports/store.js';

/** How a live copy left the in-flight list: its sender's `message.ack` waits for this. */
export type LiveOutcome = 'acked' | 'parked' | 'dropped' | 'failed';

/**
 * An envelope sent on a connection and not yet acknowledged. `live`: pushed at once and not stored
 * (parked in the store if the device does not acknowledge it in time or the connection closes
 * first); `settle` tells the sender's pending `message.ack` what became of it. `stored`: in the
 * store (read from it, or a live copy parked there), deleted there when acknowledged. `id` is the
 * id on the wire, where the client acknowledges it; a parked live copy keeps its live wire id.
 */
export type InflightEnvelope =
  | {
      kind: 'live';
      id: string;
      envelope: NewEnvelope;
      settle?: (outcome: LiveOutcome) => void;
      /** `EnvelopeParking.parkLive` is writing it. */
      parking?: boolean;
    }
  | { kind: 'stored'; id: string; envelope: EnvelopeRecord };

// The only place that knows how the two kinds of ids look on the wire: stored ids are the store's
// decimal ids; live ids must never collide with them, so they carry a letter.
const LIVE_ID_PREFIX = 't';
const STORED_ID = /^[0-9]+$/;

export type LiveInflight = Extract<InflightEnvelope, { kind: 'live' }>;

export function liveEnvelope(seq: number, envelope: NewEnvelope): LiveInflight {
  return { kind: 'live', id: `${LIVE_ID_PREFIX}${seq.toString(36)}`, envelope };
}

/** A stored envelope on the wire: read from the store, or (with `wireId`) a live copy parked there. */
export function storedEnvelope(record: EnvelopeRecord, wireId: string = record.id): InflightEnvelope {
  return { kind: 'stored', id: wireId, envelope: record };
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
