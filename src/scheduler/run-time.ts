// When a scheduled event first runs: the one place `at`, `delay`, `cron` and `runAt` become a time,
// for the route (what the request asked) and the object (what it stores).
import { fail, type Failure } from "../shared/failure";
import { nextCronRun } from "./cron";
import type { CreateOptions } from "./rpc";

export const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** How a create request says when: exactly one of the three. */
export type When = { at?: number | string; delay?: number; cron?: string };

/**
 * The epoch ms a one-shot event asks to run at (none for cron: the object works it out as it
 * stores the event), or what is wrong with `when`.
 */
export function requestedRunAt(
  { at, delay, cron }: When,
  nowMs: number,
): { runAt?: number } | { problem: string } {
  const given = [at, delay, cron].filter((value) => value !== undefined);
  if (given.length !== 1) {
    return { problem: 'give exactly one of "at", "delay" or "cron"' };
  }
  if (delay !== undefined) return { runAt: nowMs + Math.round(delay * 1000) };
  if (at === undefined) return {};
  const runAt = typeof at === "number" ? at : Date.parse(at);
  if (!Number.isSafeInteger(runAt) || runAt > nowMs + YEAR_MS) {
    return { problem: 'body field "at": must be at most a year from now' };
  }
  return { runAt };
}

/** The first run time the object stores: `runAt`, or the cron expression's next occurrence. */
export function firstRun(
  { runAt, cron }: CreateOptions,
  nowMs: number,
): number | Failure {
  const first = cron === undefined ? runAt : nextCronRun(cron, nowMs);
  if (first === undefined || first === null || !Number.isSafeInteger(first)) {
    return fail(
      "invalid_request",
      "give runAt (epoch ms) or a cron expression that fires",
    );
  }
  return first;
}
