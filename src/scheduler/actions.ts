import type { Failure } from "../shared/failure";
import { callWithRetries } from "../shared/object-call";
import type { Action } from "./event";

/** Longer than any healthy RPC; a hung target must not hold the alarm (and every event behind it). */
export const ACTION_TIMEOUT_MS = 30_000;

/**
 * Runs one action as an RPC to its object and reports the failure as text, or null on success.
 * Never throws: one failing event must not fail the alarm. One attempt per run: the scheduler's
 * own backoff retries it.
 */
export async function runAction(
  env: Env,
  action: Action,
  idempotencyKey: string,
): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`timed out after ${ACTION_TIMEOUT_MS} ms`),
      ACTION_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([call(env, action, idempotencyKey), timeout]);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

const ONE_ATTEMPT = {
  idempotent: false,
  maxAttempts: 1,
  retry: { firstMs: 0, maxMs: 0 },
} as const;

async function call(
  env: Env,
  action: Action,
  idempotencyKey: string,
): Promise<string | null> {
  switch (action.type) {
    case "counter.increment":
      return failureText(
        await callWithRetries(
          env.COUNTER,
          action.counter,
          (stub) => stub.increment({ by: action.by, idempotencyKey }),
          ONE_ATTEMPT,
        ),
      );
    case "chat.post":
      // ChatRoom.post takes no idempotency key: a repeated run may post twice (at least once).
      return failureText(
        await callWithRetries(
          env.CHAT_ROOM,
          action.room,
          (stub) => stub.post({ user: action.user, text: action.text }),
          ONE_ATTEMPT,
        ),
      );
    default:
      // Stored by a newer version of this code and read by an older one during a rollout.
      return `unknown action type ${(action as { type: string }).type}`;
  }
}

function failureText(result: object | Failure): string | null {
  return "failure" in result
    ? `${result.failure.code}: ${result.failure.message}`
    : null;
}
