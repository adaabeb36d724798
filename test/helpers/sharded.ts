import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { ExpectStatic } from "vitest";
import { REPORT_DELAY_MS } from "../../src/counter/reporting";
import type { ShardedBody } from "../../src/counter/schemas";
import { shardCount, shardName } from "../../src/counter/shards";
import { advanceTo } from "./clock";
import { api } from "./http";

/** The shard count the suite runs with (wrangler.jsonc's SHARD_COUNT). */
export const SHARDS = shardCount(env);

export function shardStub(counter: string, index: number) {
  return env.COUNTER.getByName(shardName(counter, index));
}

export function aggregateStub(counter: string) {
  return env.COUNTER_AGGREGATE.getByName(counter);
}

/** A write to one chosen shard, as the sharded route makes it. */
export function writeShard(counter: string, index: number, by = 1) {
  return shardStub(counter, index).increment({
    by,
    shard: { counter, index },
  });
}

/** Runs the alarm of every shard that has one armed (their reports); answers how many ran. */
export async function runShardAlarms(counter: string): Promise<number> {
  let ran = 0;
  for (let index = 0; index < SHARDS; index++) {
    if (await runDurableObjectAlarm(shardStub(counter, index))) ran++;
  }
  return ran;
}

/** Runs the aggregate's sweep, if one is armed. */
export function runSweep(counter: string): Promise<boolean> {
  return runDurableObjectAlarm(aggregateStub(counter));
}

/**
 * The shards' reports, then the aggregate's sweep if one is armed, each at the time it is armed
 * for (under the frozen clock); answers whether a sweep ran.
 */
export async function reportAndSweep(
  expect: ExpectStatic,
  counter: string,
): Promise<boolean> {
  advanceTo(expect, Date.now() + REPORT_DELAY_MS);
  await runShardAlarms(counter);
  const sweepAt = await alarmOf(aggregateStub(counter));
  if (sweepAt === null) return false;
  advanceTo(expect, Math.max(sweepAt, Date.now()));
  return runSweep(counter);
}

export async function readSharded(
  counter: string,
  query = "",
): Promise<ShardedBody> {
  const res = await api(`/api/sharded-counters/${counter}${query}`);
  if (res.status !== 200) throw new Error(await res.text());
  return res.json<ShardedBody>();
}

export function alarmOf(stub: DurableObjectStub): Promise<number | null> {
  return runInDurableObject(stub, (_, state) => state.storage.getAlarm());
}
