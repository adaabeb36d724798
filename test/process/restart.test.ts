// What `wrangler dev` stored outlives it, however it stops. For each signal one server is given
// every feature's work (restart/*.ts), stopped, started again on the same state, and each
// feature checks what it left: one pair of starts for all of them (a start costs ~6 s of CPU
// on 2 cores). SIGKILL's first server is the bench's (wrangler's API, no devtools), SIGTERM's the
// CLI's; both come back as the CLI's, which so reads what the other kind stored.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Check, RestartCase, Restarted } from "./restart/case.ts";
import { counter } from "./restart/counter.ts";
import { scheduler } from "./restart/scheduler.ts";
import { sharded } from "./restart/sharded.ts";
import { startDev } from "./wrangler-dev.ts";

/** Arranged in this order: a case whose work falls due while the server is down comes last. */
const CASES: Record<string, RestartCase> = {
  counter,
  sharded,
  scheduler,
};

const sleep = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe(
  "state across a restart of wrangler dev",
  { concurrency: true },
  () => {
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      describe(`stopped with ${signal}`, () => {
        const checks = new Map<string, Check>();
        let persistTo = "";
        let restarted: Restarted | undefined;

        before(async () => {
          persistTo = await mkdtemp(join(tmpdir(), "restart-state-"));
          const first = await startDev({
            persistTo,
            devtools: signal === "SIGTERM",
          });
          try {
            for (const [key, feature] of Object.entries(CASES))
              checks.set(key, await feature.arrange(first));
          } catch (error) {
            await first.stop();
            throw error;
          }
          const stoppedAt = Date.now();
          await first.stop(signal);
          const due = [...checks.values()].map((check) => check.notBefore ?? 0);
          await sleep(Math.max(...due) - Date.now());
          let output = "";
          const server = await startDev({
            persistTo,
            onOutput: (text) => (output += text),
          });
          restarted = {
            server,
            stoppedAt,
            readyAt: Date.now(),
            output: () => output,
          };
        });

        after(async () => {
          await restarted?.server.stop();
          await rm(persistTo, { recursive: true, force: true });
        });

        for (const [key, feature] of Object.entries(CASES))
          test(feature.title, () => checks.get(key)!.run(restarted!));
      });
    }
  },
);
