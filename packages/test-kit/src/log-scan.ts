import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What no log line may hold (DESIGN §12, docs/security.md): URL queries, IP addresses, secrets and
 * access tokens, usernames. Used by log-privacy.test.ts on one server and by the scan of every log
 * line of the whole test run (run-log-scan.ts).
 */
const CHECKS: [what: string, pattern: RegExp][] = [
  ['a URL query', /\?[^\s"\\?]*=/],
  ['a URL or path field', /"(?:url|path|originalUrl)":"(?!\[redacted\])/],
  ['an IPv4 address', /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/],
  ['an IPv6 address', /::ffff:|(?<![0-9a-f:])::1(?![0-9a-f:])|(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}/i],
  ['a secret or access token', /(?<![A-Za-z0-9])(?=[A-Za-z0-9]{0,63}[A-Z])[A-Za-z0-9]{64}(?![A-Za-z0-9])/],
];

export interface LogFinding {
  what: string;
  line: string;
}

/** Every line that holds something it must not; `known` adds exact values (usernames, secrets). */
export function scanLogLines(lines: readonly string[], known: readonly string[] = []): LogFinding[] {
  const findings: LogFinding[] = [];
  for (const line of lines) {
    for (const [what, pattern] of CHECKS) if (pattern.test(line)) findings.push({ what, line });
    for (const k of known) if (line.includes(k)) findings.push({ what: `the known value "${k}"`, line });
  }
  return findings;
}

/**
 * Under vitest's global setup (run-log-scan.ts), a file in the run's log directory: every log line
 * of every server of the run is scanned when the run ends.
 */
export function runLogFile(kind: 'log' | 'usernames'): string | null {
  const dir = process.env.OMECHAT_TEST_LOG_DIR;
  return dir ? join(dir, `${process.pid}-${randomUUID()}.${kind}`) : null;
}

/** Appends to a run log file; a run log that cannot be written never fails the test itself. */
export function appendRunLog(file: string | null, text: string): void {
  if (!file) return;
  try {
    appendFileSync(file, text);
  } catch {
    /* the run's directory is gone (the run is ending) */
  }
}
