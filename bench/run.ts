// `npm run bench`: the template against a minimal baseline Worker, both under `wrangler dev`,
// in one session. Prints a markdown table and writes the raw figures to bench/results/.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { compareWithPeer, startTemplateApiOnly } from "./chat-peer.ts";
import { compareChat } from "./chat-scenarios.ts";
import { measureWakes, seedCounters } from "./cold-wake.ts";
import { startServers, type Servers } from "./fleet.ts";
import { interleave } from "./interleave.ts";
import {
  httpRound,
  type HttpRequestSpec,
  type HttpRound,
} from "./http-load.ts";
import { markdownTable, type Results } from "./report.ts";
import { paired } from "./table.ts";
import { PEER_HINT, peerDirFromArgs, startPeers, type Peers } from "./peer.ts";
import { drainScheduler } from "./scheduler-drain.ts";
import { measureShardedReads } from "./sharded-reads.ts";
import {
  restart,
  resultsDir,
  writeBaselineWithPageConfig,
  writeTemplateConfig,
  type Target,
} from "./servers.ts";
import { envNumber } from "./settings.ts";

// wrangler also appends every line it handles, the Worker's console lines included, to a debug
// log file under ~/.wrangler/logs (~0.5 ms of CPU per line here), even lines --log-level drops.
// Local tooling, not the Worker: off for every server in the run.
process.env.WRANGLER_WRITE_LOGS = "false";

const settings = {
  rounds: envNumber("BENCH_ROUNDS", 5),
  // The counter rows hold a 0.9 target, and here the median of 5 paired rounds of identical
  // code moved between 0.81 and 1.05 from run to run; 10 rounds narrow that for ~1.5 min more.
  counterRounds: envNumber("BENCH_COUNTER_ROUNDS", 10),
  seconds: envNumber("BENCH_SECONDS", 3),
  writeConnections: 8,
  readConnections: 4,
  chat: {
    clients: envNumber("BENCH_CHAT_CLIENTS", 200),
    rates: [10, 40, 100],
    // At 40 msg/s a 3 s round holds 120 messages, and its p99 is decided by the slowest one
    // or two broadcasts (each is 200 deliveries): 6 s rounds halve that luck.
    seconds: envNumber("BENCH_CHAT_SECONDS", 6),
    rounds: envNumber("BENCH_ROUNDS", 5),
    stormSizes: [200, 500, 1000],
    stormRounds: envNumber("BENCH_STORM_ROUNDS", 3),
  },
  /** A clone of cloudflare/workers-chat-demo (`--peer <dir>` or BENCH_PEER); none skips its rows. */
  peerDir: peerDirFromArgs(),
  events: envNumber("BENCH_EVENTS", 5000),
  coldCounters: 15,
  /** Past this the run is abandoned and every server stopped. */
  deadlineMs: envNumber("BENCH_DEADLINE_S", 2700) * 1000,
};

const targets: Target[] = [];
/** Each finished scenario's raw figures, printed even if the run is cut short. */
const progress: Record<string, unknown> = {};
let stateRoot: string | undefined;
let peers: Peers | undefined;

async function main(): Promise<void> {
  stateRoot = await mkdtemp(join(tmpdir(), "bench-state-"));
  const configs = {
    template: await writeTemplateConfig(),
    baseline: await writeBaselineWithPageConfig(),
  };
  const loadAtStart = loadavg()[0];
  log(
    `starting 7 wrangler dev servers (load average ${round1(loadAtStart)} on ${cpus().length} cores)`,
  );
  const servers = await startServers(stateRoot, configs);
  targets.push(...servers.all);
  try {
    const results = await runScenarios(servers);
    await report(results, loadAtStart);
  } finally {
    await stopAll();
  }
}

/** The scenarios in order; each stops the servers it was the last to need. */
async function runScenarios(servers: Servers): Promise<Results> {
  const { template, baseline } = servers;
  const pair: [Target, Target] = [template, baseline];
  await Promise.all(
    pair.map((t) => seedCounters(t.server.url, settings.coldCounters)),
  );
  const increments = await measureIncrements(servers);
  const reads = await measureReads(servers);
  const chat = await measureChat(pair);
  const peer = await measurePeer(template);
  const scheduler = await measureScheduler(servers);
  const wake = await measureColdWake(pair);
  return { ...increments, ...reads, chat, peer, scheduler, wake };
}

async function measureIncrements({
  template,
  devtools,
  baseline,
  apiOnly,
}: Servers): Promise<
  Pick<Results, "increment" | "incrementDevtools" | "incrementApiOnly">
> {
  log("counter increments");
  const rounds = await measureAll(
    [template, devtools, baseline, apiOnly],
    {
      path: "/api/counters/bench-hot/increment",
      method: "POST",
      body: { by: 1 },
    },
    settings.writeConnections,
  );
  progress.increment = Object.fromEntries(
    [...rounds].map(([t, targetRounds]) => [t.name, targetRounds]),
  );
  await Promise.all([devtools.server.stop(), apiOnly.server.stop()]);
  return {
    increment: paired(rounds, template, baseline),
    incrementDevtools: {
      template: rounds.get(devtools)!,
      baseline: rounds.get(baseline)!,
    },
    incrementApiOnly: {
      template: rounds.get(template)!,
      baseline: rounds.get(apiOnly)!,
    },
  };
}

async function measureReads({
  template,
  baseline,
  oneShard,
  manyShards,
}: Servers): Promise<Pick<Results, "read" | "sharded">> {
  log("counter and sharded-counter reads");
  const readRounds = await measureAll(
    [template, baseline],
    { path: "/api/counters/bench-hot" },
    settings.readConnections,
  );
  const sharded = await measureShardedReads(
    { "1 shard": oneShard, "8 shards": template, "32 shards": manyShards },
    {
      rounds: settings.rounds,
      seconds: settings.seconds,
      connections: settings.readConnections,
    },
  );
  progress.sharded = sharded;
  await Promise.all([oneShard.server.stop(), manyShards.server.stop()]);
  return { read: paired(readRounds, template, baseline), sharded };
}

async function measureChat(pair: [Target, Target]): Promise<Results["chat"]> {
  log(
    `chat: ${settings.chat.clients} clients at ${settings.chat.rates.join(", ")} msg/s, then reconnect storms`,
  );
  const chat = await compareChat(pair, settings.chat);
  progress.chat = chat;
  return chat;
}

/** The template's room against workers-chat-demo, limiter on and off, on two servers of its own. */
async function measurePeer(template: Target): Promise<Results["peer"]> {
  if (!settings.peerDir || !stateRoot) return undefined;
  log(`chat against workers-chat-demo from ${settings.peerDir}`);
  const templateApiOnly = await startTemplateApiOnly(stateRoot);
  targets.push(templateApiOnly);
  peers = await startPeers(settings.peerDir, stateRoot);
  const peer = await compareWithPeer({ template, templateApiOnly }, peers, {
    ...settings.chat,
    rates: [40, 100],
  });
  progress.peer = peer;
  await Promise.all([peers.stop(), templateApiOnly.server.stop()]);
  return peer;
}

async function measureScheduler({
  scheduler,
  alarmLog,
}: Servers): Promise<Results["scheduler"]> {
  log(`scheduler: ${settings.events} events due at once`);
  const drained = await drainScheduler({
    baseUrl: scheduler.server.url,
    events: settings.events,
    alarmLog,
  });
  progress.scheduler = drained;
  await scheduler.server.stop();
  return drained;
}

async function measureColdWake(
  pair: [Target, Target],
): Promise<Results["wake"]> {
  log("cold wake: restarting template and baseline on the same state");
  const restarted = await Promise.all(pair.map(restart));
  targets.push(...restarted);
  return measureWakes(
    {
      template: restarted[0].server.url,
      baseline: restarted[1].server.url,
    },
    settings.coldCounters,
  );
}

/** Prints the table and writes it, the raw figures and the machine's state to bench/results/. */
async function report(results: Results, loadAtStart: number): Promise<void> {
  const table = markdownTable(results);
  console.log(`\n${table}\n`);
  if (!settings.peerDir) console.log(`${PEER_HINT}\n`);
  const file = join(
    resultsDir,
    `bench-${new Date().toISOString().replaceAll(":", "-")}.json`,
  );
  await writeFile(
    file,
    JSON.stringify(
      {
        settings,
        machine: {
          cpus: cpus().length,
          node: process.version,
          loadAverage: { atStart: loadAtStart, atEnd: loadavg()[0] },
        },
        results,
        table,
      },
      null,
      2,
    ),
  );
  log(`raw figures: ${file}`);
}

/** Interleaved rounds of one request on every target in `list`, after a short warm-up each. */
async function measureAll(
  list: Target[],
  spec: HttpRequestSpec,
  connections: number,
): Promise<Map<Target, HttpRound[]>> {
  const warmup = { connections, seconds: 1 };
  for (const t of list) await httpRound(t.server.url, spec, warmup);
  return interleave(list, settings.counterRounds, (t) =>
    httpRound(t.server.url, spec, {
      connections,
      seconds: settings.seconds,
      cpu: t.cpu,
    }),
  );
}

/** Stops every server this run started and deletes their state. */
async function stopAll(): Promise<void> {
  await Promise.all([...targets.map((t) => t.server.stop()), peers?.stop()]);
  if (stateRoot) await rm(stateRoot, { recursive: true, force: true });
}

const startedAt = Date.now();
const round1 = (value: number) => Math.round(value * 10) / 10;
function log(message: string) {
  console.error(
    `[bench +${Math.round((Date.now() - startedAt) / 1000)}s] ${message}`,
  );
}

const deadline = setTimeout(() => {
  log(
    `still running after ${settings.deadlineMs / 1000} s: stopping every server`,
  );
  console.log(JSON.stringify({ settings, partial: progress }, null, 2));
  void stopAll().finally(() => process.exit(1));
}, settings.deadlineMs);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}

main()
  .then(() => clearTimeout(deadline))
  .catch(async (error: unknown) => {
    console.error(error);
    await stopAll();
    process.exitCode = 1;
    clearTimeout(deadline);
  });
