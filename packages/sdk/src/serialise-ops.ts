import type { KeyStoreOp } from './key-store.js';
import { toJsonText } from './to-json-text.js';

/** A batch with every value already serialised: validation happens before anything is applied. */
export type SerialisedOp = { key: string; text: string } | { key: string; text: null };

export function serialiseOps(ops: KeyStoreOp[]): SerialisedOp[] {
  return ops.map((op) => {
    if (typeof op.key !== 'string') throw new TypeError('A key-store key must be a string');
    return 'delete' in op && op.delete === true
      ? { key: op.key, text: null }
      : { key: op.key, text: toJsonText((op as { value: unknown }).value) };
  });
}
