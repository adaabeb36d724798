// Sharded-counter reads at 1, 8 and 32 shards: from the aggregate (the default read, one object)
// beside the sum of every shard (`?consistent=true`, one call per shard). Part of `npm run bench`;
// `npm run bench:sharded` runs it alone on three fresh template servers.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STALENESS_BOUND_MS } from "../src/counter/reporting.ts";
import { httpRound, type HttpRound } from "./http-load.ts";
import { interleave } from "./interleave.ts";
import { median, round } from "./stats.ts";
import {
  startTarget,
  templateOptions,
  writeTemplateConfig,
  type Target,
} from "./servers.ts";
import { cpu, ms, perSecond, soloRow, type Row } from "./table.ts";
import { envNumber } from "./settings.ts";

const COUNTER = "bench-sharded";
const SEED_WRITES = 150;

export type ShardedReads = Record<
  string,
  { aggregate: HttpRound[]; everyShard: HttpRound[] }
>;

export type ShardedReadSettings = {
  rounds: number;
  seconds: number;
  connections: number;
};

/**
 * Seeds each target's counter, waits out the staleness bound so reads come from the aggregate,
 * then runs both reads on every target in interleaved rounds. `targets` is keyed "1 shard", ...
 */
export async function measureShardedReads(
  targets: Record<string, Target>,
  { rounds, seconds, connections }: ShardedReadSettings,
): Promise<ShardedReads> {
  await Promise.all(Object.values(targets).map(seed));
  await new Promise((resolve) => setTimeout(resolve, STALENESS_BOUND_MS));
  const runs = Object.entries(targets).flatMap(([shards, target]) => [
    { shards, target, mode: "aggregate" as const, query: "" },
    { shards, target, mode: "everyShard" as const, query: "?consistent=true" },
  ]);
  for (const run of runs) await checkRead(run.target, run.query);
  const measured = await interleave(runs, rounds, (run) =>
    httpRound(
      run.target.server.url,
      { path: `/api/sharded-counters/${COUNTER}${run.query}` },
      { connections, seconds, cpu: run.target.cpu },
    ),
  );
  const results: ShardedReads = {};
  for (const run of runs) {
    results[run.shards] ??= { aggregate: [], everyShard: [] };
    results[run.shards][run.mode] = measured.get(run)!;
  }
  return results;
}

const cpuOf = (r: HttpRound) => r.cpuMsPerRequest ?? Number.NaN;

function summary(rounds: HttpRound[]): string {
  const of = (metric: (r: HttpRound) => number) => median(rounds.map(metric));
  return `${ms(of((r) => r.p50Ms))} / ${ms(of((r) => r.p99Ms))}, ${perSecond(of((r) => r.requestsPerSecond))}, ${cpu(of(cpuOf))}`;
}

/** Per round, 32 shards from the aggregate against 1 shard summed (one call): the yardstick. */
function ratioRow(results: ShardedReads): Row[] {
  const many = results["32 shards"]?.aggregate;
  const one = results["1 shard"]?.everyShard;
  if (!many || !one) return [];
  const ratio = (metric: (r: HttpRound) => number) =>
    median(many.map((r, i) => metric(r) / metric(one[i])));
  const p50 = ratio((r) => r.p50Ms);
  const cpuRatio = ratio(cpuOf);
  const met = p50 <= 1.2 && cpuRatio <= 1.2;
  return [
    [
      "Sharded read, 32 shards from the aggregate ÷ 1 shard summed: p50, CPU",
      `${round(p50).toFixed(2)}, ${round(cpuRatio).toFixed(2)}`,
      "",
      "",
      "≤ 1.2",
      met ? "yes" : "**no**",
    ],
  ];
}

export function shardedReadRows(results: ShardedReads): Row[] {
  return [
    ...Object.entries(results).flatMap(
      ([shards, { aggregate, everyShard }]) => [
        soloRow(
          `Sharded read from the aggregate, ${shards}: p50 / p99, throughput, CPU`,
          summary(aggregate),
        ),
        soloRow(
          `Sharded read summing every shard (consistent=true), ${shards}: p50 / p99, throughput, CPU`,
          summary(everyShard),
        ),
      ],
    ),
    ...ratioRow(results),
  ];
}

/** Enough writes that every shard exists, so reads measure reads rather than first creations. */
async function seed(target: Target): Promise<void> {
  for (let i = 0; i < SEED_WRITES; i++) {
    const res = await fetch(
      `${target.server.url}/api/sharded-counters/${COUNTER}/increment`,
      { method: "POST" },
    );
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`seeding ${target.name}: ${res.status}`);
  }
}

/** Both reads answer the seeded sum; the aggregate's asOf lies in the past (it did not sum). */
async function checkRead(target: Target, query: string): Promise<void> {
  const sentAt = Date.now();
  const res = await fetch(
    `${target.server.url}/api/sharded-counters/${COUNTER}${query}`,
  );
  const body = (await res.json()) as { value: number; asOf: number };
  if (body.value !== SEED_WRITES)
    throw new Error(`${target.name}${query}: ${JSON.stringify(body)}`);
  if (query === "" && body.asOf >= sentAt)
    throw new Error(`${target.name}: the aggregate did not answer`);
}

async function main(): Promise<void> {
  const settings = {
    rounds: envNumber("BENCH_ROUNDS", 3),
    seconds: envNumber("BENCH_SECONDS", 2),
    connections: 4,
  };
  process.env.WRANGLER_WRITE_LOGS = "false";
  const config = await writeTemplateConfig();
  const root = await mkdtemp(join(tmpdir(), "bench-sharded-"));
  const started: Target[] = [];
  try {
    for (const count of [1, 8, 32]) {
      started.push(
        await startTarget(
          count === 1 ? "1 shard" : `${count} shards`,
          templateOptions(join(root, `shards-${count}`), config, {
            SHARD_COUNT: String(count),
          }),
        ),
      );
    }
    const results = await measureShardedReads(
      Object.fromEntries(started.map((t) => [t.name, t])),
      settings,
    );
    const rows = shardedReadRows(results);
    console.log(
      [
        "| Scenario | Template | | | Target | Met |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        ...rows.map((row) => `| ${row.join(" | ")} |`),
      ].join("\n"),
    );
  } finally {
    await Promise.all(started.map((t) => t.server.stop()));
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
