import { backoffMs, type Backoff } from "./backoff";

/** What became of one failed attempt. */
export type Outcome = "retry" | "overloaded" | "unavailable" | "internal_error";

export type CallOptions = {
  /** Only calls that are safe to run twice are retried. */
  idempotent: boolean;
  locationHint?: DurableObjectLocationHint;
  /** Attempts at the call, the first included. */
  maxAttempts: number;
  /** The wait between attempts. */
  retry: Backoff;
  /** Before each attempt. */
  onAttempt?: (attempt: number) => void;
  /** After each failed attempt, retried or not. */
  onError?: (attempt: number, error: unknown, outcome: Outcome) => void;
};

/** The properties the runtime sets on errors from a Durable Object call. */
export type RuntimeError = {
  retryable?: unknown;
  overloaded?: unknown;
  durableObjectReset?: unknown;
  remote?: unknown;
};

/** A call that failed for good: `outcome` says why, `cause` is the runtime's error. */
export class ObjectCallError extends Error {
  readonly outcome: Exclude<Outcome, "retry">;

  constructor(outcome: Exclude<Outcome, "retry">, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.outcome = outcome;
  }
}

/**
 * The one way anything calls an object: the Worker's routes (src/http/object-call.ts) and the
 * scheduler's actions. A fresh stub per attempt: a stub that saw an exception may be broken for
 * good. Retries only idempotent calls, only when the runtime says the error is transient and the
 * object is not overloaded (retrying an overloaded object makes it worse).
 */
export async function callWithRetries<
  T extends Rpc.DurableObjectBranded,
  Call extends (stub: DurableObjectStub<T>) => PromiseLike<unknown>,
>(
  namespace: DurableObjectNamespace<T>,
  name: string,
  call: Call,
  options: CallOptions,
): Promise<Awaited<ReturnType<Call>>> {
  const { idempotent, locationHint, maxAttempts, retry } = options;
  for (let attempt = 1; ; attempt++) {
    options.onAttempt?.(attempt);
    try {
      const stub = namespace.getByName(
        name,
        locationHint ? { locationHint } : undefined,
      );
      return (await call(stub)) as Awaited<ReturnType<Call>>;
    } catch (error) {
      const outcome = classify(error, idempotent && attempt < maxAttempts);
      options.onError?.(attempt, error, outcome);
      if (outcome !== "retry") throw new ObjectCallError(outcome, error);
      await sleep(backoffMs(attempt, Math.random, retry));
    }
  }
}

/** The runtime's flags on `error`, false where unset. */
export function runtimeFlags(error: unknown): RuntimeError {
  return typeof error === "object" && error !== null ? error : {};
}

/**
 * `durableObjectReset` counts as transient: the instance was replaced (a deploy, `ctx.abort()`),
 * the call did not run on the new one, and a fresh stub reaches it.
 */
function classify(error: unknown, mayRetry: boolean): Outcome {
  const flags = runtimeFlags(error);
  if (flags.overloaded === true) return "overloaded";
  if (flags.retryable === true || flags.durableObjectReset === true) {
    return mayRetry ? "retry" : "unavailable";
  }
  return "internal_error";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
