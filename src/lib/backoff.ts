const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 60 * 60 * 1_000;

/**
 * The wait before the next attempt after `failures` failed ones: about 1 s after the first,
 * doubling, capped at 1 h. The ±20% jitter keeps events that failed together (one target down)
 * from retrying in lockstep and failing together again.
 */
export function backoffMs(
  failures: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
  return Math.min(MAX_RETRY_MS, Math.round(base * (0.8 + 0.4 * random())));
}
