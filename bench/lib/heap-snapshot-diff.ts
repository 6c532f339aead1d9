import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Retained-by-kind totals of a .heapsnapshot: self size and count per (type, constructor name). */
function totals(file: string): Map<string, { bytes: number; count: number }> {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = f.length;
  const iType = f.indexOf('type');
  const iName = f.indexOf('name');
  const iSize = f.indexOf('self_size');
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]!]!;
    const name = s.strings[s.nodes[i + iName]!]!;
    // Objects and closures by constructor/function name; strings, arrays, code... by type only.
    const key = type === 'object' || type === 'closure' ? `${type} ${name.slice(0, 60)}` : `(${type})`;
    const t = out.get(key) ?? { bytes: 0, count: 0 };
    t.bytes += s.nodes[i + iSize]!;
    t.count++;
    out.set(key, t);
  }
  return out;
}

export interface HeapGrowth {
  kind: string;
  bytesPerConn: number;
  countPerConn: number;
}

/** What grew between two heap snapshots, per connection, largest first. */
export function heapSnapshotDiff(before: string, after: string, connections: number, n = 15): HeapGrowth[] {
  const a = totals(before);
  const b = totals(after);
  return [...b.entries()]
    .map(([kind, t]) => ({
      kind,
      bytesPerConn: Math.round((t.bytes - (a.get(kind)?.bytes ?? 0)) / connections),
      countPerConn: Math.round(((t.count - (a.get(kind)?.count ?? 0)) / connections) * 100) / 100,
    }))
    .sort((x, y) => y.bytesPerConn - x.bytesPerConn)
    .slice(0, n);
}
