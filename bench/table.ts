import { median, round } from "./stats.ts";

/** Rounds of one scenario, run back to back on both Workers. */
export type Paired<T> = { template: T[]; baseline: T[] };

/** The rounds of the template and of the baseline, out of rounds keyed by target. */
export function paired<Target, T>(
  rounds: Map<Target, T[]>,
  template: Target,
  baseline: Target,
): Paired<T> {
  return { template: rounds.get(template)!, baseline: rounds.get(baseline)! };
}

export type Row = [string, string, string, string, string, string];

export const ms = (value: number) => `${round(value, 1)} ms`;
export const perSecond = (value: number) => `${Math.round(value)}/s`;
export const cpu = (value: number | null) =>
  value === null ? "n/a" : `${round(value, 2)} ms`;

/**
 * Template as a fraction of the baseline, from rounds run back to back: each round's ratio,
 * then the median of those, so a slow moment on a shared machine hits both sides of a pair.
 * `higherIsBetter` false turns latencies into speed (baseline ms / template ms).
 */
export function pairedRatios<T>(
  pairs: Paired<T>,
  metric: (round: T) => number,
  higherIsBetter = true,
): number[] {
  return pairs.template.map((round, i) => {
    const t = metric(round);
    const b = metric(pairs.baseline[i]);
    return higherIsBetter ? t / b : b / t;
  });
}

/** The median ratio, with the lowest and highest round after it when there are several. */
export function ratioCell(ratios: readonly number[]): string {
  const mid = round(median(ratios)).toFixed(2);
  if (ratios.length < 2) return mid;
  const low = round(Math.min(...ratios)).toFixed(2);
  const high = round(Math.max(...ratios)).toFixed(2);
  return `${mid} (${low}–${high})`;
}

export type Metric<T> = {
  label: string;
  value: (round: T) => number;
  format: (value: number) => string;
  higherIsBetter: boolean;
  target?: number;
};

export function comparedRows<T>(
  scenario: string,
  pairs: Paired<T>,
  metrics: Metric<T>[],
): Row[] {
  return metrics.map(({ label, value, format, higherIsBetter, target }) => {
    const ratios = pairedRatios(pairs, value, higherIsBetter);
    const ratio = median(ratios);
    return [
      `${scenario}: ${label}`,
      format(median(pairs.template.map(value))),
      format(median(pairs.baseline.map(value))),
      ratioCell(ratios),
      target === undefined ? "" : `≥ ${target}`,
      target === undefined ? "" : ratio >= target ? "yes" : "**no**",
    ];
  });
}

/** A row that reports the template alone: the other columns stay empty. */
export const soloRow = (scenario: string, value: string): Row => [
  scenario,
  value,
  "",
  "",
  "",
  "",
];

/** The markdown table of `rows`, the second value column headed `other`. */
export function markdownRows(rows: Row[], other = "Baseline"): string {
  const header: Row = [
    "Scenario",
    "Template",
    other,
    `Template ÷ ${other.toLowerCase()}`,
    "Target",
    "Met",
  ];
  return [header, ["---", "---:", "---:", "---:", "---", "---"] as Row, ...rows]
    .map((row) => `| ${row.join(" | ")} |`)
    .join("\n");
}
