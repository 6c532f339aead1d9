import { describe, expect, it } from 'vitest';
import { parseClientFrame } from '@omechat/protocol';
import { field, relayDialect } from './relay-dialect.js';

// Guards the load generator against protocol drift: its hand-built frames must stay valid.
const hex = (c: string) => c.repeat(64);
const pair = {
  a: { id: hex('a'), token: 't'.repeat(64) },
  b: { id: hex('b'), token: 'u'.repeat(64) },
  chat_id: 'c'.repeat(32),
};
const sealed = {
  ciphertext: Buffer.alloc(315, 7).toString('base64'),
  cf: Buffer.alloc(32, 9).toString('base64'),
};

describe('relay dialects', () => {
  it('builds OmeChat frames the server accepts', () => {
    const d = relayDialect('omechat');
    const send = parseClientFrame(d.send(pair, 7, '0'.repeat(31) + '7', sealed), 256 * 1024);
    expect(send).toMatchObject({
      type: 'message.send',
      chat_id: pair.chat_id,
      envelopes: [{ to_client: pair.b.id }],
    });
    expect(parseClientFrame(d.ack(['1', '2']), 256 * 1024)).toMatchObject({
      type: 'envelope.ack',
      ids: ['1', '2'],
    });
    expect(parseClientFrame(d.onOpen(pair.a)!, 256 * 1024)).toMatchObject({
      type: 'auth',
      client_hash: pair.a.id,
    });
  });

  it('reads envelope ids without parsing', () => {
    const frame = JSON.stringify({ type: 'envelope', id: '42', chat_id: 'c', msg_id: 'ab', ciphertext: 'x' });
    expect(relayDialect('omechat').classify(frame, pair.b)).toEqual({ k: 'envelope', msgId: 'ab', id: '42' });
    expect(field(frame, 'id')).toBe('42');
    expect(relayDialect('socketio').classify(`42["envelope",${frame}]`, pair.b)).toEqual({
      k: 'envelope',
      msgId: 'ab',
      id: '42',
    });
  });
});
