import type { ServerFrameOf } from '@omechat/protocol';

type EnvelopeFrame = ServerFrameOf<'envelope'>;

// The copies of one message go out one after another (to each device of the chat), and all share
// chat, msg id, sender, time, commitment and key id: that part is serialised once and reused.
let last: EnvelopeFrame | undefined;
let lastShared = '';

/**
 * `JSON.stringify` of an envelope frame, with the part its copies share serialised once per message.
 * The keys come in another order than the object's; JSON objects are unordered.
 */
export function envelopeFrameJson(f: EnvelopeFrame): string {
  if (
    last === undefined ||
    last.msg_id !== f.msg_id ||
    last.ts !== f.ts ||
    last.from_client !== f.from_client ||
    last.from_user !== f.from_user ||
    last.chat_id !== f.chat_id ||
    last.cf !== f.cf ||
    last.kid !== f.kid
  ) {
    last = f;
    lastShared =
      ',"chat_id":' +
      JSON.stringify(f.chat_id) +
      ',"msg_id":' +
      JSON.stringify(f.msg_id) +
      ',"from_user":' +
      JSON.stringify(f.from_user) +
      ',"from_client":' +
      JSON.stringify(f.from_client) +
      ',"ts":' +
      JSON.stringify(f.ts) +
      ',"cf":' +
      JSON.stringify(f.cf) +
      ',"kid":' +
      JSON.stringify(f.kid) +
      '}';
  }
  return (
    '{"type":"envelope","id":' +
    JSON.stringify(f.id) +
    ',"ciphertext":' +
    JSON.stringify(f.ciphertext) +
    ',"rf":' +
    JSON.stringify(f.rf) +
    lastShared
  );
}
