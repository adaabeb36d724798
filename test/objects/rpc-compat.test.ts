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
});
