import type { Context } from "hono";
import { ApiError, unwrap, type Failure } from "./errors";
import type { AppEnv } from "./hono-env";

export type CallOptions = {
  /** Only calls that are safe to run twice are retried. */
  idempotent: boolean;
  locationHint?: DurableObjectLocationHint;
};

const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 50;

type RemoteError = Error & {
  retryable?: boolean;
  overloaded?: boolean;
  remote?: boolean;
};

/**
 * The one way the Worker calls an object. A fresh stub per attempt: a stub that saw an exception
 * may be broken for good. Retries only idempotent calls, only when the runtime says the error is
 * retryable and the object is not overloaded (retrying an overloaded object makes it worse).
 * Failures the object returns as values become their API statuses through `unwrap`.
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
      const remote = error as RemoteError;
      if (remote.overloaded) {
        throw new ApiError(
          503,
          "overloaded",
          "the object is overloaded; retry later",
          { "Retry-After": "1" },
        );
      }
      if (!remote.retryable) throw error;
      if (!idempotent || attempt >= MAX_ATTEMPTS) {
        throw new ApiError(
          503,
          "unavailable",
          "the object is temporarily unavailable; retry later",
          {
            "Retry-After": "1",
          },
        );
      }
      stats.retries++;
      await sleep(BASE_DELAY_MS * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
