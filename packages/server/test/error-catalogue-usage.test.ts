import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, RESERVED_CODES } from '@omechat/protocol';

// Issue 13 point 5: one honest catalogue. Every code is raised by some path of the server (its own
// sources, or the protocol parsers it runs) or of the SDK (BUNDLE_NOT_FOUND: the server answers an
// empty device list, the SDK turns it into this code), unless the catalogue marks it reserved; a reserved code
// is raised nowhere and says so in docs/errors.md. The behaviour behind the codes is tested where
// it lives (ws-relay, http-refusals, matching-ws, …) and the fuzz suite checks every status sent.
const root = fileURLToPath(new URL('../../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
}

const sent = [
  ...sources(join(root, 'packages/server/src')),
  ...sources(join(root, 'packages/protocol/src')).filter((f) => !f.endsWith('error-catalogue.ts')),
  ...sources(join(root, 'packages/sdk/src')),
]
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const errorsDoc = readFileSync(join(root, 'docs/errors.md'), 'utf8');

describe('the error catalogue against the code', () => {
  it.each(ERROR_CODES.filter((c) => !RESERVED_CODES.includes(c)))('%s is sent by some path', (code) => {
    expect(sent, `${code}: no path of the server sends it; send it or mark it reserved`).toMatch(
      new RegExp(`['"\`]${code}['"\`]`),
    );
  });

  it('marks reserved codes as such in docs/errors.md, and sends none of them', () => {
    for (const code of RESERVED_CODES) {
      const row = errorsDoc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
      expect(row, code).toMatch(/Reserved/);
      expect(sent).not.toMatch(new RegExp(`['"\`]${code}['"\`]`));
    }
  });
});
