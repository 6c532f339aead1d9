import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface HotSpot {
  name: string;
  /** Share of all samples spent in this function itself (self time), percent. */
  selfPercent: number;
}

export interface ProfileSummary {
  samples: number;
  top: HotSpot[];
  /** Self time grouped by where the code lives (a package, the server's source dirs, node internals). */
  byArea: HotSpot[];
}

function area(url: string): string {
  if (!url) return '(native / GC / idle)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const pkg = /packages\/([^/]+)\/src\/(?:([^/]+)\/)?/.exec(url);
  if (pkg) return `@omechat/${pkg[1]}${pkg[2] && !pkg[2].includes('.') ? '/' + pkg[2] : ''}`;
  if (url.startsWith('node:')) return 'node internals';
  return url.replace(/^.*\//, '');
}

/**
 * Self-time top functions of a V8 .cpuprofile (what `node --cpu-prof` writes), counting only the
 * samples from `skipMs` to `skipMs + takeMs` after the profile started (start-up and module loading
 * under tsx would otherwise take a large share).
 */
export function cpuProfileTop(file: string, skipMs = 0, takeMs = Infinity, n = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const hitsOf = new Map<number, number>();
  let t = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i]! / 1000;
    if (t >= skipMs && t < skipMs + takeMs) hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
  });
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = hitsOf.get(node.id) ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue; // not work done
    total += hits;
    const short = url.replace(/^.*\/(node_modules|packages)\//, '$1/').replace(/^file:\/\//, '');
    const name = `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    byFn.set(name, (byFn.get(name) ?? 0) + hits);
    byArea.set(area(url), (byArea.get(area(url)) ?? 0) + hits);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, h]) => ({ name, selfPercent: Math.round((h / total) * 1000) / 10 }));
  return { samples: total, top: top(byFn, n), byArea: top(byArea, 12) };
}
