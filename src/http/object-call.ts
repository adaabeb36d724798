import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import { backoffMs, type Backoff } from "../shared/backoff";
import type { Failure } from "../shared/failure";
import { ApiError, unwrap } from "./errors";

export type CallOptions = {
  /** Only calls that are safe to run twice are retried. */
  idempotent: boolean;
  locationHint?: DurableObjectLocationHint;
};

/** Attempts at one object call, the first included. */
export const MAX_CALL_ATTEMPTS = 3;
/** A client waits on the response, so the waits are short: about 50 ms, then 100 ms. */
const CALL_RETRY: Backoff = { firstMs: 50, maxMs: 1_000 };

/** The properties the runtime sets on errors from a Durable Object call. */
type RuntimeError = {
  retryable?: unknown;
  overloaded?: unknown;
  durableObjectReset?: unknown;
  remote?: unknown;
};

type Outcome = "retry" | "overloaded" | "unavailable" | "internal_error";

/**
 * The one way the Worker calls an object. A fresh stub per attempt: a stub that saw an exception
 * may be broken for good. Retries only idempotent calls, only when the runtime says the error is
 * transient and the object is not overloaded (retrying an overloaded object makes it worse).
 * Failures the object returns as values become their API statuses through `unwrap`; runtime
 * errors become 503 or 500 without their message, which is logged instead.
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
  for (let attempt = 1; ; attempt++) {
    stats.objectCalls++;
    try {
      const stub = namespace.getByName(
        name,
        locationHint ? { locationHint } : undefined,
      );
      return unwrap(await call(stub)) as Exclude<
        Awaited<ReturnType<Call>>,
        Failure
      >;
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const outcome = classify(
        error,
        idempotent && attempt < MAX_CALL_ATTEMPTS,
      );
      logObjectError(c, name, attempt, error, outcome);
      if (outcome !== "retry") throw failure(outcome);
      stats.retries++;
      await sleep(backoffMs(attempt, Math.random, CALL_RETRY));
    }
  }
}

/**
 * `durableObjectReset` counts as transient: the instance was replaced (a deploy, `ctx.abort()`),
 * the call did not run on the new one, and a fresh stub reaches it.
 */
function classify(error: unknown, mayRetry: boolean): Outcome {
  const flags: RuntimeError =
    typeof error === "object" && error !== null ? error : {};
  if (flags.overloaded === true) return "overloaded";
  if (flags.retryable === true || flags.durableObjectReset === true) {
    return mayRetry ? "retry" : "unavailable";
  }
  return "internal_error";
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
  const flags: RuntimeError =
    typeof error === "object" && error !== null ? error : {};
  console.error(
    JSON.stringify({
      level: outcome === "retry" ? "warn" : "error",
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
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
