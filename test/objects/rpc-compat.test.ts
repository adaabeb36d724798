import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { uniqueName } from "../helpers/http";

// Workers and objects update independently for a while after a deploy, so each RPC method must
// keep accepting the oldest payload shape a caller may still send. Add a case, never edit one.
describe("RPC payloads from older callers", () => {
  it("Counter accepts every payload shape it ever accepted", async ({
    expect,
  }) => {
    const counter = env.COUNTER.getByName(uniqueName("compat"));
    expect(await counter.increment()).toEqual({ value: 1 });
    expect(await counter.increment({})).toEqual({ value: 2 });
    expect(await counter.increment({ by: 3 })).toEqual({ value: 5 });
    expect(await counter.increment({ by: 1, idempotencyKey: "k" })).toEqual({
      value: 6,
    });
    expect(await counter.decrement()).toEqual({ value: 5 });
    expect(await counter.decrement({ by: 2, idempotencyKey: "j" })).toEqual({
      value: 3,
    });
    expect(await counter.get()).toEqual({ value: 3 });
    await counter.destroy();
    expect(await counter.get()).toEqual({ value: 0 });
  });

  it("a Counter shard and CounterAggregate accept every payload shape they ever accepted", async ({
    expect,
  }) => {
    const name = uniqueName("compat");
    const shard = env.COUNTER.getByName(`${name}:shard:0`);
    expect(
      await shard.increment({ by: 2, shard: { counter: name, index: 0 } }),
    ).toEqual({ value: 2 });
    expect(await shard.shardState()).toMatchObject({
      total: 2,
      written: true,
    });
    const aggregate = env.COUNTER_AGGREGATE.getByName(name);
    expect(await aggregate.read()).toBeNull();
    expect(await aggregate.read({})).toBeNull();
    expect(await aggregate.read({ shards: 8 })).toBeNull();
    await aggregate.report({
      counter: name,
      shard: 0,
      total: 2,
      through: Date.now(),
    });
    await aggregate.destroy();
    await shard.destroy();
  });
});
