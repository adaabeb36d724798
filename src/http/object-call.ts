import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import type { Backoff } from "../shared/backoff";
import type { Failure } from "../shared/failure";
import {
  callWithRetries,
  ObjectCallError,
  runtimeFlags,
  type Outcome,
} from "../shared/object-call";
import { ApiError, unwrap } from "./errors";
import { logLine } from "./log";

export type CallOptions = {
  /** Only calls that are safe to run twice are retried. */
  idempotent: boolean;
  locationHint?: DurableObjectLocationHint;
};

/** Attempts at one object call, the first included. */
export const MAX_CALL_ATTEMPTS = 3;
/** A client waits on the response, so the waits are short: about 50 ms, then 100 ms. */
const CALL_RETRY: Backoff = { firstMs: 50, maxMs: 1_000 };

/**
 * The one way a route calls an object (src/shared/object-call.ts does the attempts). Failures
 * the object returns as values become their API statuses through `unwrap`; runtime errors become
 * 503 or 500 without their message, which is logged instead.
 */
export async function callObject<
  T extends Rpc.DurableObjectBranded,
  Call extends (stub: DurableObjectStub<T>) => PromiseLike<unknown>,
>(
  c: Context<AppEnv>,
  namespace: DurableObjectNamespace<T>,
  name: string,
  call: Call,
  { idempotent, locationHint }: CallOptions,
): Promise<Exclude<Awaited<ReturnType<Call>>, Failure>> {
  const stats = c.get("stats");
  let result: Awaited<ReturnType<Call>>;
  try {
    result = await callWithRetries(namespace, name, call, {
      idempotent,
      locationHint,
      maxAttempts: MAX_CALL_ATTEMPTS,
      retry: CALL_RETRY,
      onAttempt: (attempt) => {
        stats.objectCalls++;
        if (attempt > 1) stats.retries++;
      },
      onError: (attempt, error, outcome) =>
        logObjectError(c, name, attempt, error, outcome),
    });
  } catch (error) {
    if (error instanceof ObjectCallError) throw failure(error.outcome);
    throw error;
  }
  return unwrap(result) as Exclude<Awaited<ReturnType<Call>>, Failure>;
}

function failure(outcome: Exclude<Outcome, "retry">): ApiError {
  switch (outcome) {
    case "overloaded":
      return new ApiError(
        503,
        "overloaded",
        "the object is overloaded; retry later",
        { "Retry-After": "1" },
      );
    case "unavailable":
      return new ApiError(
        503,
        "unavailable",
        "the object is temporarily unavailable; retry later",
        { "Retry-After": "1" },
      );
    case "internal_error":
      return new ApiError(
        500,
        "internal_error",
        "something went wrong; the request id identifies it in the logs",
      );
  }
}

/** One line per failed attempt; the message and stack stay in the logs, never in the response. */
function logObjectError(
  c: Context<AppEnv>,
  name: string,
  attempt: number,
  error: unknown,
  outcome: Outcome,
) {
  const flags = runtimeFlags(error);
  logLine(
    outcome === "retry" ? "warn" : "error",
    {
      event: "object_error",
      requestId: c.get("requestId"),
      object: name,
      attempt,
      outcome,
      retryable: flags.retryable === true,
      overloaded: flags.overloaded === true,
      reset: flags.durableObjectReset === true,
      remote: flags.remote === true,
      error: String(error),
      stack: error instanceof Error ? error.stack : undefined,
    },
    "error",
  );
}
