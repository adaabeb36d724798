import { availableParallelism } from "node:os";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time used by one `wrangler dev` (its Node process and both workerd processes), read from
 * /proc. Wall-clock figures swing with whatever else the machine runs; CPU milliseconds per
 * request barely do, so they are the steadier way to compare two Workers on a shared machine.
 * Linux only: elsewhere every reading is null and the table leaves the column empty.
 */
const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every mainstream Linux

export type CpuMeter = { readMs(): number | null };

export function cpuMeterForPort(port: number): CpuMeter {
  const group = processGroupListeningOn(port);
  return { readMs: () => (group === null ? null : groupCpuMs(group)) };
}

function processGroupListeningOn(port: number): number | null {
  for (const pid of pids()) {
    const cmdline = read(`/proc/${pid}/cmdline`);
    if (cmdline?.includes(`--socket-addr=entry=127.0.0.1:${port}\0`)) {
      return statFields(pid)?.group ?? null;
    }
  }
  return null;
}

function groupCpuMs(group: number): number {
  let ticks = 0;
  for (const pid of pids()) {
    const fields = statFields(pid);
    if (fields?.group === group) ticks += fields.ticks;
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function pids(): string[] {
  try {
    return readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

/** Fields 5 (process group), 14 and 15 (user and system ticks) of /proc/<pid>/stat. */
function statFields(pid: string): { group: number; ticks: number } | null {
  const stat = read(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: split after the last ")".
  const rest = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (!rest || rest.length < 13) return null;
  return { group: Number(rest[2]), ticks: Number(rest[11]) + Number(rest[12]) };
}

function read(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // the process ended between listing and reading
  }
}

/**
 * Waits until the whole machine has been nearly idle (under 10 % of one core, all processes)
 * for half a second, or `timeoutMs` has passed. A storm against a room that announces every
 * join leaves its server busy for a while after the clients are gone; the next round must not
 * start on top of that. Returns false on timeout (or off Linux), and the round runs anyway.
 */
export async function untilMachineIdle(timeoutMs = 60_000): Promise<boolean> {
  const giveUpAt = Date.now() + timeoutMs;
  let before = machineTicks();
  while (before !== null && Date.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = machineTicks();
    if (after === null) return false;
    const busyShare =
      (after.busy - before.busy) / (after.total - before.total || 1);
    if (busyShare * availableParallelism() < 0.1) return true;
    before = after;
  }
  return false;
}

/** Busy and total ticks over all cores, from the `cpu` line of /proc/stat. */
function machineTicks(): { busy: number; total: number } | null {
  const line = read("/proc/stat")?.split("\n")[0];
  if (!line?.startsWith("cpu ")) return null;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  const idle = ticks[3] + ticks[4]; // idle and iowait
  return { busy: total - idle, total };
}
