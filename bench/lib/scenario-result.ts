import type { QuietCheck } from './check-quiet.js';

/** One line of the final table: a figure per server, OmeChat's ratio to the baseline, and the goal. */
export interface FigureRow {
  scenario: number;
  figure: string;
  unit: string;
  ws?: number;
  socketio?: number;
  omechat: number;
  /** OmeChat / baseline (raw ws, or the scenario's own reference such as "no storm"). */
  ratio?: number;
  ratioOf?: string;
  goal?: string;
  /** Whether the goal is met; undefined when the figure has no goal. */
  met?: boolean;
  /** Free text shown after the figures (e.g. cache hits and misses). */
  detail?: string;
}

export interface ScenarioResult {
  id: number;
  title: string;
  quiet: QuietCheck;
  rows: FigureRow[];
  /** Every run's raw result, for the JSON file. */
  runs: unknown;
  notes: string[];
  ms: number;
}
