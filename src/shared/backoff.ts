export const MAX_RETRY_MS = 60 * 60 * 1_000;

export type Backoff = { firstMs: number; maxMs: number };

/** The scheduler's event retries: about 1 s after the first failure, capped at 1 h. */
const EVENT_RETRY: Backoff = { firstMs: 1_000, maxMs: MAX_RETRY_MS };

/**
 * The wait before the next attempt after `failures` failed ones: `firstMs` after the first,
 * doubling, capped at `maxMs`. The ±20% jitter keeps callers that failed together (one target
 * down) from retrying in lockstep and failing together again.
 */
export function backoffMs(
  failures: number,
  random: () => number = Math.random,
  { firstMs, maxMs }: Backoff = EVENT_RETRY,
): number {
  const base = Math.min(maxMs, firstMs * 2 ** (failures - 1));
  return Math.min(maxMs, Math.round(base * (0.8 + 0.4 * random())));
}
