import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { IDEMPOTENCY_WINDOW_MS } from "../../src/counter/counter";
import { api, postJson, uniqueName } from "../helpers/http";

const increment = (counter: string, key: string, by = 1) =>
  postJson(
    `/api/counters/${counter}/increment`,
    { by },
    { "Idempotency-Key": key },
  );

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
