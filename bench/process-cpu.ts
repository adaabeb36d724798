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
