import type { FigureRow } from './scenario-result.js';

const num = (x: number | undefined) =>
  x === undefined || Number.isNaN(x)
    ? ''
    : Math.abs(x) >= 1000
      ? Math.round(x).toLocaleString('en-US')
      : String(x);

/** The stdout table: one line per figure, with OmeChat's ratio to its reference and the goal. */
export function formatTable(rows: FigureRow[]): string {
  const header = ['#', 'figure', 'unit', 'raw ws', 'socket.io', 'OmeChat', 'ratio', 'goal', 'met', 'detail'];
  const body = rows.map((r) => [
    String(r.scenario),
    r.figure,
    r.unit,
    num(r.ws),
    num(r.socketio),
    num(r.omechat),
    r.ratio === undefined || Number.isNaN(r.ratio) ? '' : `${r.ratio}x ${r.ratioOf ?? ''}`.trim(),
    r.goal ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    r.detail ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const right = new Set([3, 4, 5]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The same rows as a Markdown table (pasted into bench/README.md). */
export function formatMarkdown(rows: FigureRow[]): string {
  const out = [
    '| # | figure | unit | raw ws | socket.io | OmeChat | OmeChat ratio | goal | met | detail |',
    '|---|---|---|--:|--:|--:|---|---|---|---|',
  ];
  for (const r of rows)
    out.push(
      `| ${r.scenario} | ${r.figure} | ${r.unit} | ${num(r.ws)} | ${num(r.socketio)} | ${num(r.omechat)} | ${
        r.ratio === undefined || Number.isNaN(r.ratio) ? '' : `${r.ratio}x ${r.ratioOf ?? ''}`.trim()
      } | ${r.goal ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} | ${r.detail ?? ''} |`,
    );
  return out.join('\n');
}
