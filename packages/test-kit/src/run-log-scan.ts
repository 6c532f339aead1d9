import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanLogLines } from './log-scan.js';

/**
 * Vitest global setup: every server the tests start (test-server.ts, spawn-server.ts) appends its
 * log lines, and every username it creates, to files in one directory; at the end of the run all
 * lines are scanned, and a finding fails the run.
 */
const PROJECTS = 'OMECHAT_TEST_LOG_PROJECTS';

export function setup(): void {
  // Several projects of one run share the directory; the last one to finish scans it.
  process.env[PROJECTS] = String(Number(process.env[PROJECTS] ?? 0) + 1);
  process.env.OMECHAT_TEST_LOG_DIR ??= mkdtempSync(join(tmpdir(), 'omechat-run-logs-'));
}

export function teardown(): void {
  const dir = process.env.OMECHAT_TEST_LOG_DIR;
  const left = Number(process.env[PROJECTS] ?? 1) - 1;
  process.env[PROJECTS] = String(left);
  if (left > 0 || !dir) return;
  delete process.env.OMECHAT_TEST_LOG_DIR;
  const lines: string[] = [];
  const usernames = new Set<string>();
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    const entries = text.split('\n').filter((l) => l.trim() !== '');
    if (f.endsWith('.usernames')) for (const u of entries) usernames.add(JSON.parse(u) as string);
    else lines.push(...entries);
  }
  rmSync(dir, { recursive: true, force: true });
  const findings = scanLogLines(lines, [...usernames]);
  if (findings.length === 0) {
    console.log(
      `log scan: ${lines.length} log lines of this run hold no URL query, IP, token, secret or username`,
    );
    return;
  }
  console.error(`\nlog scan: ${findings.length} log lines of this run hold what they must not:`);
  for (const f of findings.slice(0, 20)) console.error(`  ${f.what}: ${f.line.slice(0, 300)}`);
  process.exitCode = 1;
}
