import { OpenAPIHono } from "@hono/zod-openapi";
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { requestId } from "hono/request-id";
import { afterEach, beforeEach, describe, it } from "vitest";
import { onError } from "../../src/http/errors";
import type { AppEnv } from "../../src/http/app-env";
import { logRequest } from "../../src/http/middleware/request-log";
import { callObject, MAX_CALL_ATTEMPTS } from "../../src/http/object-call";
import { MAX_VALUE, type Counter } from "../../src/counter/counter";
import { api, errorCode, expectError, uniqueName } from "../helpers/http";
import { seedCounter } from "../helpers/storage";
import { recordLogs } from "../helpers/logs";

type FlaggedError = Error & {
  retryable?: boolean;
  overloaded?: boolean;
  remote?: boolean;
};

/** An error as the runtime raises it: the flags are what callObject classifies on. */
const runtimeError = (message: string, flags: Partial<FlaggedError>) => () =>
  Object.assign(new Error(message), flags);

/**
 * A route that increments a real Counter through callObject, where the first `failures` attempts
 * fail with `error` before reaching the object. Records the stub each attempt was given.
 */
function harness(options: {
  failures: number;
  error?: () => Error;
  idempotent: boolean;
}) {
  const stubs: DurableObjectStub<Counter>[] = [];
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestId(), logRequest);
  app.post("/:name", async (c) => {
    const result = await callObject(
      c,
      c.env.COUNTER,
      c.req.param("name"),
      (stub) => {
        stubs.push(stub);
        if (stubs.length <= options.failures) {
          return Promise.reject(options.error!());
        }
        return stub.increment({ idempotencyKey: "harness" });
      },
      { idempotent: options.idempotent },
    );
    return c.json(result);
  });
  app.onError(onError);
  const call = (name: string) =>
    app.fetch(
      new Request(`https://example.com/${name}`, { method: "POST" }),
      env,
    );
  return { call, stubs };
}

const valueOf = async (name: string) =>
  (await env.COUNTER.getByName(name).get()).value;

/** How long a reset waits after the test sends its request, so the request is queued by then. */
const QUEUE_MS = 500;

/**
 * Resets the object the way a deploy or `ctx.abort()` does, while the request passed to `send` is
 * queued behind its input gate, so that request meets the runtime's real reset error.
 */
async function resetDuring<T>(name: string, send: () => Promise<T>) {
  const gate = { blocked: false, sent: false };
  const resetting = runInDurableObject(
    env.COUNTER.getByName(name),
    (_instance, ctx) => {
      ctx
        .blockConcurrencyWhile(async () => {
          gate.blocked = true;
          await until(() => gate.sent);
          await scheduler.wait(QUEUE_MS);
          ctx.abort("reset by the test");
        })
        .catch(() => {});
    },
  ).catch(() => {});
  await until(() => gate.blocked);
  gate.sent = true;
  const result = await send();
  await resetting;
  return result;
}

async function until(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await scheduler.wait(1);
  }
}

let logs: ReturnType<typeof recordLogs>;
beforeEach(() => {
  logs = recordLogs();
});
afterEach(() => logs.restore());

describe("callObject classifies runtime errors", () => {
  it("retries an idempotent call on a retryable error, with a fresh stub per attempt and backoff", async ({
    expect,
  }) => {
    const name = uniqueName("retry");
    const { call, stubs } = harness({
      failures: 2,
      idempotent: true,
      error: runtimeError("Network connection lost.", { retryable: true }),
    });
    const startedAt = Date.now();
    const res = await call(name);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ value: 1 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(75);
    expect(stubs).toHaveLength(3);
    expect(new Set(stubs).size).toBe(3);
    const lines = logs.forRequest(res.headers.get("X-Request-Id"));
    expect(lines.filter((line) => line.event === "object_error")).toEqual([
      expect.objectContaining({ attempt: 1, outcome: "retry" }),
      expect.objectContaining({ attempt: 2, outcome: "retry" }),
    ]);
    expect(lines.find((line) => line.event === "request")).toMatchObject({
      status: 200,
      objectCalls: 3,
      retries: 2,
    });
  });

  it(`gives up after ${MAX_CALL_ATTEMPTS} attempts with 503 unavailable and Retry-After`, async ({
    expect,
  }) => {
    const name = uniqueName("give-up");
    const { call, stubs } = harness({
      failures: Infinity,
      idempotent: true,
      error: runtimeError("Network connection lost.", { retryable: true }),
    });
    const res = await call(name);
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(await errorCode(res)).toBe("unavailable");
    expect(stubs).toHaveLength(MAX_CALL_ATTEMPTS);
    expect(
      logs.forRequest(res.headers.get("X-Request-Id")).at(-1),
    ).toMatchObject({ event: "request", retries: MAX_CALL_ATTEMPTS - 1 });
  });

  it("never retries a call that is not idempotent", async ({ expect }) => {
    const name = uniqueName("once");
    const { call, stubs } = harness({
      failures: 1,
      idempotent: false,
      error: runtimeError("Network connection lost.", { retryable: true }),
    });
    const res = await call(name);
    await expectError(expect, res, 503, "unavailable");
    expect(stubs).toHaveLength(1);
    expect(await valueOf(name)).toBe(0);
  });

  it("answers 503 overloaded at once, without retrying even an idempotent call", async ({
    expect,
  }) => {
    const name = uniqueName("overloaded");
    const { call, stubs } = harness({
      failures: 1,
      idempotent: true,
      error: runtimeError("Durable Object is overloaded. Too many requests.", {
        retryable: true,
        overloaded: true,
      }),
    });
    const res = await call(name);
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(await errorCode(res)).toBe("overloaded");
    expect(stubs).toHaveLength(1);
  });

  it("turns any other error into a 500 that leaks nothing, logged once with its details", async ({
    expect,
  }) => {
    const name = uniqueName("bug");
    const { call, stubs } = harness({
      failures: 1,
      idempotent: true,
      error: runtimeError("SQLITE_ERROR: no such table secret_ledger", {
        remote: true,
      }),
    });
    const res = await call(name);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({
      error: { code: "internal_error" },
    });
    expect(text).not.toMatch(/secret_ledger|SQLITE|stack|\.ts/);
    expect(stubs).toHaveLength(1);
    const errors = logs
      .forRequest(res.headers.get("X-Request-Id"))
      .filter((line) => line.level === "error");
    expect(errors).toEqual([
      expect.objectContaining({
        event: "object_error",
        object: name,
        outcome: "internal_error",
        remote: true,
        error: expect.stringContaining("secret_ledger") as string,
      }),
    ]);
  });

  it("passes a failure the object returns through its mapped status, without retrying", async ({
    expect,
  }) => {
    const name = uniqueName("full");
    await seedCounter(name, MAX_VALUE);
    const { call, stubs } = harness({ failures: 0, idempotent: true });
    const res = await call(name);
    await expectError(expect, res, 409, "out_of_range");
    expect(stubs).toHaveLength(1);
    expect(await valueOf(name)).toBe(MAX_VALUE);
  });
});

describe("callObject against real object resets", () => {
  it("retries an idempotent increment across a reset and applies it exactly once", async ({
    expect,
  }) => {
    const name = uniqueName("reset-key");
    const res = await resetDuring(name, () =>
      api(`/api/counters/${name}/increment`, {
        method: "POST",
        headers: { "Idempotency-Key": "reset-1" },
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name, value: 1 });
    const lines = logs.forRequest(res.headers.get("X-Request-Id"));
    expect(lines.find((line) => line.event === "object_error")).toMatchObject({
      reset: true,
      outcome: "retry",
    });
    expect(lines.find((line) => line.event === "request")).toMatchObject({
      retries: 1,
    });
    expect(await valueOf(name)).toBe(1);
  });

  it("answers 503 unavailable and applies nothing when a reset hits a call that is not idempotent", async ({
    expect,
  }) => {
    const name = uniqueName("reset-plain");
    const res = await resetDuring(name, () =>
      api(`/api/counters/${name}/increment`, { method: "POST" }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(await errorCode(res)).toBe("unavailable");
    expect(await valueOf(name)).toBe(0);
  });

  it("keeps answering after every object is aborted, because each call takes a fresh stub", async ({
    expect,
  }) => {
    const name = uniqueName("aborted");
    const held = env.COUNTER.getByName(name);
    await held.increment({ by: 7 });
    await abortAllDurableObjects();
    const broken = await held.get().then(
      () => null,
      (error: unknown) => error,
    );
    expect(broken).toBeInstanceOf(Error);
    const res = await api(`/api/counters/${name}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name, value: 7 });
  });
});
