import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { IDEMPOTENCY_WINDOW_MS } from "../../src/counter/counter";
import { api, expectError, postJson, uniqueName } from "../helpers/http";

const step = (
  operation: "increment" | "decrement",
  counter: string,
  key: string,
  body: unknown,
) =>
  postJson(`/api/counters/${counter}/${operation}`, body, {
    "Idempotency-Key": key,
  });
const increment = (counter: string, key: string, by = 1) =>
  step("increment", counter, key, { by });
const valueOf = async (counter: string) =>
  (await (await api(`/api/counters/${counter}`)).json<{ value: number }>())
    .value;

describe("Idempotency-Key on counter writes", () => {
  it("applies a replayed key once and returns the first response", async ({
    expect,
  }) => {
    const counter = uniqueName("idem");
    const first = await increment(counter, "order-1", 5);
    expect(await first.json()).toEqual({ name: counter, value: 5 });
    await increment(counter, "order-2", 1);
    const replay = await increment(counter, "order-1", 5);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ name: counter, value: 5 });
    expect(await (await api(`/api/counters/${counter}`)).json()).toEqual({
      name: counter,
      value: 6,
    });
  });

  it.for<[string, (counter: string) => Promise<Response>]>([
    ["with another body", (counter) => increment(counter, "k-1", 50)],
    [
      "for the other operation",
      (counter) => step("decrement", counter, "k-1", { by: 1 }),
    ],
  ])(
    "refuses a key reused %s and changes nothing",
    async ([, reuse], { expect }) => {
      const counter = uniqueName("idem");
      expect(await (await increment(counter, "k-1", 1)).json()).toEqual({
        name: counter,
        value: 1,
      });
      const reused = await reuse(counter);
      await expectError(expect, reused, 422, "idempotency_key_reused");
      expect(await valueOf(counter)).toBe(1);
    },
  );

  it("keeps refusing a reused key and still replays the first request", async ({
    expect,
  }) => {
    const counter = uniqueName("idem");
    await increment(counter, "k-1", 2);
    expect((await increment(counter, "k-1", 3)).status).toBe(422);
    expect((await increment(counter, "k-1", 3)).status).toBe(422);
    const replay = await increment(counter, "k-1", 2);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ name: counter, value: 2 });
    expect(await valueOf(counter)).toBe(2);
  });

  it("treats a body with the default spelled out as the same request", async ({
    expect,
  }) => {
    const counter = uniqueName("idem");
    await step("increment", counter, "k-1", {});
    const replay = await step("increment", counter, "k-1", { by: 1 });
    expect(replay.status).toBe(200);
    const bodyless = await api(`/api/counters/${counter}/increment`, {
      method: "POST",
      headers: { "Idempotency-Key": "k-1" },
    });
    expect(bodyless.status).toBe(200);
    expect(await valueOf(counter)).toBe(1);
  });

  it("refuses a sharded increment whose key is reused with another body", async ({
    expect,
  }) => {
    const counter = uniqueName("idem");
    const send = (by: number) =>
      postJson(
        `/api/sharded-counters/${counter}/increment`,
        { by },
        { "Idempotency-Key": "shard-key" },
      );
    expect((await send(2)).status).toBe(200);
    const reused = await send(7);
    await expectError(expect, reused, 422, "idempotency_key_reused");
    expect(
      await (await api(`/api/sharded-counters/${counter}`)).json(),
    ).toMatchObject({ value: 2 });
  });

  it("applies a key replayed concurrently once", async ({ expect }) => {
    const counter = uniqueName("idem");
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => increment(counter, "same", 3)),
    );
    const bodies = await Promise.all(responses.map((res) => res.json()));
    expect(
      bodies.every(
        (body) =>
          JSON.stringify(body) === JSON.stringify({ name: counter, value: 3 }),
      ),
    ).toBe(true);
    expect(await (await api(`/api/counters/${counter}`)).json()).toEqual({
      name: counter,
      value: 3,
    });
  });

  it("scopes a key to one counter", async ({ expect }) => {
    const [a, b] = [uniqueName("idem"), uniqueName("idem")];
    await increment(a, "shared");
    await increment(b, "shared");
    expect(await (await api(`/api/counters/${b}`)).json()).toEqual({
      name: b,
      value: 1,
    });
  });

  it("forgets keys after 24 hours and prunes them with the alarm", async ({
    expect,
  }) => {
    const counter = uniqueName("idem");
    await increment(counter, "old");
    const stub = env.COUNTER.getByName(counter);
    // Age the key past the window instead of waiting a day.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(
        "UPDATE idempotency_keys SET expires_at = ?",
        Date.now() - 1,
      );
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const keys = await runInDurableObject(
      stub,
      (_instance, state) =>
        state.storage.sql
          .exec<{ n: number }>("SELECT count(*) AS n FROM idempotency_keys")
          .one().n,
    );
    expect(keys).toBe(0);
    const again = await increment(counter, "old");
    expect(await again.json()).toEqual({ name: counter, value: 2 });
  });

  it("re-arms pruning for the next expiry while keys remain", async ({
    expect,
  }) => {
    const counter = uniqueName("idem");
    await increment(counter, "a");
    const stub = env.COUNTER.getByName(counter);
    const alarm = await runInDurableObject(stub, (_instance, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).toBeGreaterThan(Date.now() + IDEMPOTENCY_WINDOW_MS - 60_000);
    await runDurableObjectAlarm(stub); // nothing expired yet
    const next = await runInDurableObject(stub, (_instance, state) =>
      state.storage.getAlarm(),
    );
    expect(next).toBeGreaterThan(Date.now());
  });

  it("lands retries of a sharded increment on the same shard", async ({
    expect,
  }) => {
    const counter = uniqueName("idem");
    const send = () =>
      postJson(
        `/api/sharded-counters/${counter}/increment`,
        { by: 2 },
        { "Idempotency-Key": "retry-me" },
      );
    const shards = await Promise.all(
      [send(), send(), send()].map(async (res) => (await res).json()),
    );
    expect(new Set(shards.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(
      await (await api(`/api/sharded-counters/${counter}`)).json(),
    ).toMatchObject({ value: 2 });
  });
});
