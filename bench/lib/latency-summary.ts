/** Percentiles of a latency sample, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function latencySummary(samplesMs: ArrayLike<number>, count = samplesMs.length): LatencySummary {
  const sorted = Float64Array.from({ length: count }, (_, i) => samplesMs[i]!).sort();
  const at = (q: number) => (count === 0 ? NaN : sorted[Math.min(count - 1, Math.floor(q * count))]!);
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sorted[i]!;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    count,
    p50: r(at(0.5)),
    p99: r(at(0.99)),
    p999: r(at(0.999)),
    max: r(count ? sorted[count - 1]! : NaN),
    mean: r(count ? sum / count : NaN),
  };
}
