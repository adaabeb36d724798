// The seven `wrangler dev` servers one bench run compares: the template, the baseline, and the
// variants a single scenario needs (no asset router, devtools attached, other shard counts).
import { join } from "node:path";
import { alarmRunsIn, type AlarmRun } from "./scheduler-drain.ts";
import {
  baselineOptions,
  startTarget,
  templateOptions,
  type Target,
} from "./servers.ts";

/** Every server of the run, by the part it plays. */
export type Servers = Record<
  | "template"
  | "baseline"
  | "apiOnly"
  | "devtools"
  | "oneShard"
  | "manyShards"
  | "scheduler",
  Target
> & {
  /** The scheduler server's alarm runs, read from its log lines as they arrive. */
  alarmLog: AlarmRun[];
  /** All seven, in the order they were started. */
  all: Target[];
};

/** Starts all seven servers at once, each on its own state under `root`. */
export async function startServers(
  root: string,
  configs: { template: string; baseline: string },
): Promise<Servers> {
  const state = (name: string) => join(root, name);
  const alarmLog: AlarmRun[] = [];
  let pendingOutput = "";
  const byRole = await startAll({
    template: startTarget(
      "template",
      templateOptions(state("template"), configs.template, {
        SHARD_COUNT: "8",
      }),
    ),
    baseline: startTarget(
      "baseline",
      baselineOptions(state("baseline"), configs.baseline),
    ),
    apiOnly: startTarget(
      "baseline, API only",
      baselineOptions(state("api-only")),
    ),
    devtools: startTarget(
      "template, devtools inspector attached",
      templateOptions(state("devtools"), configs.template, {}, "warn", true),
    ),
    oneShard: startTarget(
      "1 shard",
      templateOptions(state("shards-1"), configs.template, {
        SHARD_COUNT: "1",
      }),
    ),
    manyShards: startTarget(
      "32 shards",
      templateOptions(state("shards-32"), configs.template, {
        SHARD_COUNT: "32",
      }),
    ),
    // Logs stay on here: the Scheduler's own log lines count its alarm runs.
    scheduler: startTarget("scheduler", {
      ...templateOptions(state("scheduler"), configs.template, {}, "log"),
      onOutput: (text) => {
        const lines = (pendingOutput + text).split("\n");
        pendingOutput = lines.pop() ?? "";
        alarmLog.push(...alarmRunsIn(lines));
      },
    }),
  });
  return { ...byRole, alarmLog, all: Object.values(byRole) };
}

/** Waits for every start, failing if any fails, and keeps each target under its role. */
async function startAll<Role extends string>(
  starting: Record<Role, Promise<Target>>,
): Promise<Record<Role, Target>> {
  const entries = await Promise.all(
    Object.entries<Promise<Target>>(starting).map(
      async ([role, target]) => [role, await target] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<Role, Target>;
}
