import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh copy of a seeded OmeChat DATA_DIR, so every run starts from the same state. */
export function copyDataDir(templateDir: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'omechat-bench-run-'));
  cpSync(templateDir, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
