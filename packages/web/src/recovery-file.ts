// The downloadable recovery file: plain text, so it opens anywhere and can be printed.
export function recoveryFileText(username: string, secret: string): string {
  return [
    'OmeChat recovery file',
    '',
    'Keep this file private: anyone who has it can sign in as you.',
    'OmeChat cannot recover your account if you lose it.',
    '',
    `Pseudonym: ${username}`,
    `Secret: ${secret}`,
    `Created: ${new Date().toISOString().slice(0, 10)}`,
    '',
  ].join('\n');
}

/**
 * Reads pseudonym and secret back from a recovery file (or any text holding the two lines); files
 * saved before the app said "pseudonym" everywhere have a "Username:" line.
 */
export function parseRecoveryFile(text: string): { username: string | null; secret: string | null } {
  const username = /^(?:Pseudonym|Username): (.+)$/m.exec(text)?.[1]?.trim() ?? null;
  const secret = /^Secret: ([A-Za-z0-9]{64})\s*$/m.exec(text)?.[1] ?? null;
  return { username, secret };
}
