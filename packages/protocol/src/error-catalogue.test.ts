import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES } from './error-catalogue.js';
import { OmeChatError } from './omechat-error.js';

const errorsDoc = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');

describe('error catalogue', () => {
  it.each(ERROR_CODES)('%s is documented in docs/errors.md with its status', (code) => {
    const row = errorsDoc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${ERROR_CATALOGUE[code].status} |`);
  });

  it('documents no code that does not exist', () => {
    const documented = [...errorsDoc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...ERROR_CODES].sort());
  });

  it('gives every code a 4xx/5xx status and a message', () => {
    for (const code of ERROR_CODES) {
      const e = new OmeChatError(code);
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.toBody()).toMatchObject({ code, status: e.status });
      expect(e.message.length).toBeGreaterThan(5);
    }
  });
});
