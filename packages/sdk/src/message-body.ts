/**
 * What is inside a ciphertext (the franked `body`): a small versioned JSON document, so new content
 * types can be added without touching the crypto layer.
 */
export interface TextBody {
  v: 1;
  t: 'text';
  text: string;
}

export const MAX_TEXT_LENGTH = 4000;

export function encodeTextBody(text: string): string {
  return JSON.stringify({ v: 1, t: 'text', text } satisfies TextBody);
}

/** Returns the text, or null for a body this version does not understand (never throws). */
export function decodeTextBody(body: string): string | null {
  try {
    const b = JSON.parse(body) as Partial<TextBody>;
    if (b && b.v === 1 && b.t === 'text' && typeof b.text === 'string' && b.text.length <= MAX_TEXT_LENGTH)
      return b.text;
  } catch {
    /* fall through */
  }
  return null;
}
