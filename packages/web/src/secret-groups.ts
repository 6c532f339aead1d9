/** The secret in groups of 4 characters, as shown to people (copy and download keep it whole). */
export function secretGroups(secret: string, size = 4): string[] {
  const out: string[] = [];
  for (let i = 0; i < secret.length; i += size) out.push(secret.slice(i, i + size));
  return out;
}

export type CharKind = 'digit' | 'upper' | 'lower';

/**
 * The kind of one secret character. The alphabet is A-Z a-z 0-9, so 0/O, 1/l/I look alike in
 * many fonts: each kind is drawn differently (digits in the accent colour, capitals underlined).
 */
export function charKind(ch: string): CharKind {
  if (ch >= '0' && ch <= '9') return 'digit';
  return ch >= 'A' && ch <= 'Z' ? 'upper' : 'lower';
}
