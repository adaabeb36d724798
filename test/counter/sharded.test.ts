import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { pickShard, shardCount, shardName } from "../../src/counter/shards";
import { api, postJson, uniqueName } from "../helpers/http";

describe("sharded counters", () => {
  it("reads 0 over every configured shard for a new counter", async ({
    expect,
  }) => {
    const counter = uniqueName("sharded");
    const res = await api(`/api/sharded-counters/${counter}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: counter,
      value: 0,
      shards: 8,
    });
  });

  it("spreads writes over shards and reads their sum", async ({ expect }) => {
    const counter = uniqueName("sharded");
    const writes = Array.from({ length: 64 }, (_, i) => (i % 5) + 1);
    const responses = await Promise.all(
      writes.map((by) =>
        postJson(`/api/sharded-counters/${counter}/increment`, { by }),
      ),
    );
    const bodies = await Promise.all(
      responses.map((res) => res.json<{ name: string; shard: number }>()),
    );
    const used = new Set(bodies.map((body) => body.shard));
    expect(used.size).toBeGreaterThan(1);
    expect([...used].every((shard) => shard >= 0 && shard < 8)).toBe(true);
    const total = writes.reduce((sum, by) => sum + by, 0);
    const before = Date.now();
    const exact = await (
      await api(`/api/sharded-counters/${counter}?consistent=true`)
    ).json<{ value: number; asOf: number }>();
    expect(exact).toMatchObject({ name: counter, value: total, shards: 8 });
    expect(exact.asOf).toBeGreaterThanOrEqual(before);

    const perShard = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        env.COUNTER.getByName(shardName(counter, i)).get(),
      ),
    );
    expect(perShard.reduce((sum, shard) => sum + shard.value, 0)).toBe(total);
  });

  it("keeps a sharded counter apart from the plain counter of the same name", async ({
    expect,
  }) => {
    const counter = uniqueName("sharded");
    await postJson(`/api/sharded-counters/${counter}/increment`, { by: 9 });
    expect(await (await api(`/api/counters/${counter}`)).json()).toEqual({
      name: counter,
      value: 0,
    });
  });

  it("refuses a consistent parameter other than true or false", async ({
    expect,
  }) => {
    const counter = uniqueName("sharded");
    for (const query of ["?consistent=yes", "?consistent=1", "?other=true"]) {
      const res = await api(`/api/sharded-counters/${counter}${query}`);
      expect(res.status, query).toBe(400);
    }
  });

  it("derives shard names and choices deterministically", ({ expect }) => {
    expect(shardName("likes", 3)).toBe("likes:shard:3");
    expect(pickShard(8, "key-1")).toBe(pickShard(8, "key-1"));
    const spread = new Set(
      Array.from({ length: 100 }, (_, i) => pickShard(8, `key-${i}`)),
    );
    expect(spread.size).toBe(8);
  });

  it("defaults to 8 shards and refuses a malformed SHARD_COUNT rather than shrinking", ({
    expect,
  }) => {
    expect(shardCount({ ...env, SHARD_COUNT: "32" })).toBe(32);
    expect(shardCount({ ...env, SHARD_COUNT: "" })).toBe(8);
    for (const bad of ["0", "-1", "2.5", "abc", "513", "100000"]) {
      expect(() => shardCount({ ...env, SHARD_COUNT: bad })).toThrow(
        /SHARD_COUNT/,
      );
    }
  });
});
