import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ServerFrameOf } from '@omechat/protocol';
import { envelopeFrameJson } from './envelope-frame-json.js';

const frame = fc.record({
  type: fc.constant('envelope' as const),
  id: fc.string(),
  chat_id: fc.constantFrom('a'.repeat(32), 'b'.repeat(32)),
  msg_id: fc.constantFrom('c'.repeat(32), 'd'.repeat(32)),
  from_user: fc.constantFrom('e'.repeat(64), 'x"\\\u2028'),
  from_client: fc.constantFrom('f'.repeat(64), '0'.repeat(128)),
  ts: fc.constantFrom(1, 2, 1_700_000_000_000),
  ciphertext: fc.string(),
  cf: fc.constantFrom('A'.repeat(43) + '=', 'B'.repeat(43) + '='),
  rf: fc.string(),
  kid: fc.constantFrom(0, 1, 7),
});

describe('envelopeFrameJson', () => {
  it('reads back as exactly the frame, over runs of copies that share or do not share fields', () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 8 }), (frames: ServerFrameOf<'envelope'>[]) => {
        for (const f of frames)
          expect(JSON.parse(envelopeFrameJson(f))).toStrictEqual(JSON.parse(JSON.stringify(f)));
      }),
      { numRuns: 500 },
    );
  });
});
