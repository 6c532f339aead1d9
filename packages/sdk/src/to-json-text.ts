/**
 * Serialises a key-store value, refusing anything JSON would silently change (a `Uint8Array` would
 * become an object of indices, a `Date` a string, `NaN` null), so stored state reads back equal.
 * `undefined` object properties are dropped, as for an absent optional field.
 */
export function toJsonText(value: unknown): string {
  check(value, '(value)', new Set());
  return JSON.stringify(value);
}

function check(v: unknown, path: string, seen: Set<object>): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`${path} is not a finite number`);
    return;
  }
  if (typeof v !== 'object') throw new TypeError(`${path} is not a JSON value (${typeof v})`);
  if (seen.has(v)) throw new TypeError(`${path} is circular`);
  seen.add(v);
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (item === undefined) throw new TypeError(`${path}[${i}] is undefined`);
      check(item, `${path}[${i}]`, seen);
    });
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path} is not a plain object`);
    for (const [k, item] of Object.entries(v)) if (item !== undefined) check(item, `${path}.${k}`, seen);
  }
  seen.delete(v);
}
