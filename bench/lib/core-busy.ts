import { readFileSync } from 'node:fs';

/** Per-core busy and total jiffies from /proc/stat (busy includes irq/softirq, unlike a process's own time). */
export function coreTimes(): { busy: number; total: number }[] {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const v = l.trim().split(/\s+/).slice(1).map(Number);
      const total = v.slice(0, 8).reduce((s, x) => s + x, 0); // guest time is already in user
      return { busy: total - v[3]! - v[4]!, total };
    });
}

/** Busy percent of each core between two coreTimes() samples. */
export function coreBusyPercent(
  a: { busy: number; total: number }[],
  b: { busy: number; total: number }[],
): number[] {
  return b.map(
    (x, i) => Math.round(((x.busy - a[i]!.busy) / Math.max(1, x.total - a[i]!.total)) * 1000) / 10,
  );
}
