import type { DeliveredEnvelope, ServerFrameOf } from '@omechat/protocol';
import type { EnvelopeRecord, NewEnvelope } from '../../ports/store.js';

/** How a live copy left the in-flight list: its sender's `message.ack` waits for this. */
export type LiveOutcome = 'acked' | 'parked' | 'dropped' | 'failed';

/**
 * An envelope sent on a connection and not yet acknowledged. `live`: pushed at once and not stored
 * (parked in the store if the device does not acknowledge it in time or the connection closes
 * first); `settle` tells the sender's pending `message.ack` what became of it. `stored`: read from
 * the store, deleted there when acknowledged. `parked`: a live copy written to the store because
 * its device did not acknowledge it in time; only its store id is kept (the device has the
 * ciphertext already, and a stalled device must not make the server hold it twice). `id` is the
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
  | { kind: 'stored'; id: string; envelope: EnvelopeRecord }
  | { kind: 'parked'; id: string; storeId: string };

/** What can be written to a socket (a parked copy was written before, as a live one). */
export type SendableEnvelope = Exclude<InflightEnvelope, { kind: 'parked' }>;

// The only place that knows how the two kinds of ids look on the wire: stored ids are the store's
// decimal ids; live ids must never collide with them, so they carry a letter.
const LIVE_ID_PREFIX = 't';
const STORED_ID = /^[0-9]+$/;

export type LiveInflight = Extract<InflightEnvelope, { kind: 'live' }>;

export function liveEnvelope(seq: number, envelope: NewEnvelope): LiveInflight {
  return { kind: 'live', id: `${LIVE_ID_PREFIX}${seq.toString(36)}`, envelope };
}

/** A stored envelope on the wire, read from the store. */
export function storedEnvelope(record: EnvelopeRecord): SendableEnvelope {
  return { kind: 'stored', id: record.id, envelope: record };
}

/** A live copy (wire id `wireId`) now parked in the store as `storeId`: ids only. */
export function parkedEnvelope(storeId: string, wireId: string): InflightEnvelope {
  return { kind: 'parked', id: wireId, storeId };
}

/** Ciphertext bytes an in-flight entry holds (the bound of UNACKED_BYTES_PER_CONNECTION). */
export function heldBytes(e: InflightEnvelope): number {
  return e.kind === 'parked' ? 0 : e.envelope.ciphertext.length;
}

/**
 * The store id an acknowledged wire id names, or null when it names nothing stored (a live
 * envelope's id, perhaps of an earlier connection whose inflight list is gone).
 */
export function storedIdOf(wireId: string): string | null {
  return STORED_ID.test(wireId) ? wireId : null;
}

export function toEnvelopeFrame({ id, envelope: e }: SendableEnvelope): ServerFrameOf<'envelope'> {
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
