// A validated create body as the scheduler object takes it: the checks zod cannot express.
import type { z } from "@hono/zod-openapi";
import { ApiError } from "../http/errors";
import type { CreateOptions } from "./scheduler";
import { YEAR_MS, type CreateBody } from "./schemas";

/** The first run time of a one-shot event; undefined for cron, which the object computes. */
function firstRunAt(
  at: number | string | undefined,
  delay: number | undefined,
  cron: string | undefined,
): number | undefined {
  const given = [at, delay, cron].filter((value) => value !== undefined);
  if (given.length !== 1) {
    throw new ApiError(
      400,
      "invalid_request",
      'give exactly one of "at", "delay" or "cron"',
    );
  }
  const now = Date.now();
  if (delay !== undefined) return now + Math.round(delay * 1000);
  if (at === undefined) return undefined;
  const runAt = typeof at === "number" ? at : Date.parse(at);
  if (!Number.isSafeInteger(runAt) || runAt > now + YEAR_MS) {
    throw new ApiError(
      400,
      "invalid_request",
      'body field "at": must be at most a year from now',
    );
  }
  return runAt;
}

/** A validated create body as the object takes it; `where` prefixes an error's message. */
export function createOptions(
  { at, delay, cron, action, key }: z.infer<typeof CreateBody>,
  where = "",
): CreateOptions {
  try {
    return { runAt: firstRunAt(at, delay, cron), cron, action, key };
  } catch (error) {
    if (!(error instanceof ApiError) || !where) throw error;
    throw new ApiError(400, error.code, `${where}: ${error.message}`);
  }
}
