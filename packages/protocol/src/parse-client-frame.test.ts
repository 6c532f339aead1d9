import { describe, expect, it } from 'vitest';
import { frameRef, frameRefOfBytes, readClientFrame } from './parse-client-frame.js';

describe('readClientFrame', () => {
  it('reads the ref before validation, wherever it is in a parsable frame', () => {
    const r = readClientFrame(
      JSON.stringify({ type: 'typing', x: 'y'.repeat(5000), ref: 'mid', z: 1 }),
      1 << 20,
    );
    // A known type with unknown fields: INVALID_INPUT (docs/errors.md); an unknown type: INVALID_FRAME.
    expect(r.error?.code).toBe('INVALID_INPUT');
    expect(r.ref).toBe('mid');
    expect(readClientFrame(JSON.stringify({ type: 'nope', ref: 'u' }), 4096).error?.code).toBe(
      'INVALID_FRAME',
    );
    for (const tolerance of [6, -1, 2.5, '2'])
      expect(readClientFrame(JSON.stringify({ type: 'match.join', tolerance }), 4096).error?.code).toBe(
        'TOLERANCE_INVALID',
      );
    expect(
      readClientFrame(JSON.stringify({ type: 'match.join', tolerance: 9, extra: 1 }), 4096).error?.code,
    ).toBe('INVALID_INPUT');
    expect(readClientFrame(JSON.stringify({ ref: 'ok', type: 'chats.list' }), 4096)).toMatchObject({
      frame: { type: 'chats.list' },
      ref: 'ok',
    });
  });

  it('reads the ref of a frame it cannot parse from its first or last bytes', () => {
    const pad = 'A'.repeat(10_000);
    expect(readClientFrame(JSON.stringify({ ref: 'head', type: 'x', pad }), 4096)).toMatchObject({
      error: { code: 'FRAME_TOO_LARGE' },
      ref: 'head',
    });
    expect(readClientFrame(JSON.stringify({ type: 'x', pad, ref: 'tail' }), 4096).ref).toBe('tail');
    expect(readClientFrame(`{"ref":"broken", "type": `, 4096)).toMatchObject({
      error: { code: 'INVALID_FRAME' },
      ref: 'broken',
    });
    expect(frameRef(JSON.stringify({ type: 'x', a: pad, ref: 'deep', b: pad }))).toBeUndefined();
    expect(frameRef('{"ref":"' + 'r'.repeat(65) + '"}')).toBeUndefined();
  });

  it('reads the ref of raw bytes (frames refused before they are decoded)', () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ type: 'x', pad: 'é'.repeat(5000), ref: 'bytes' }),
    );
    expect(frameRefOfBytes(bytes)).toBe('bytes');
    expect(frameRefOfBytes(new Uint8Array([0, 1, 2]))).toBeUndefined();
  });
});
