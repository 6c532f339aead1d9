import type { ServerFrame, ServerFrameOf } from '@omechat/protocol';
import { envelopeFrameJson } from './envelope-frame-json.js';

/** A number as `JSON.stringify` writes it (NaN and ±Infinity as null). */
function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

function refJson(ref: string | undefined): string {
  return ref === undefined ? '' : ',"ref":' + JSON.stringify(ref);
}

// One per message.send: built by concatenation, not by JSON.stringify's generic walk of an object.
function messageAckJson(f: ServerFrameOf<'message.ack'>): string {
  return (
    '{"type":"message.ack"' +
    refJson(f.ref) +
    ',"msg_id":' +
    JSON.stringify(f.msg_id) +
    ',"ts":' +
    num(f.ts) +
    ',"stored":' +
    num(f.stored) +
    ',"delivered":' +
    num(f.delivered) +
    ',"partner_delivered":' +
    num(f.partner_delivered) +
    ',"missing_clients":' +
    (f.missing_clients.length === 0 ? '[]' : JSON.stringify(f.missing_clients)) +
    '}'
  );
}

/**
 * The JSON text of a frame to send. The frequent ones (envelopes, message acks, `ok`) are built by
 * hand, each equal to `JSON.stringify` of the frame (held so by `server-frame-json.test.ts`); the
 * rest go through `JSON.stringify`.
 */
export function serverFrameJson(f: ServerFrame): string {
  switch (f.type) {
    case 'envelope':
      return envelopeFrameJson(f);
    case 'message.ack':
      return messageAckJson(f);
    case 'ok':
      return '{"type":"ok"' + refJson(f.ref) + '}';
    default:
      return JSON.stringify(f);
  }
}
