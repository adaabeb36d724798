import { readFile } from "node:fs/promises";
import { latencySummary } from "./stats.ts";

export type DrainResult = {
  events: number;
  createSeconds: number;
  /** Events whose creation finished after the shared due time (they ran "as soon as possible"). */
  createdLate: number;
  /** From the shared due time to the last execution. */
  drainSeconds: number;
  lagP50Ms: number;
  lagP99Ms: number;
  alarmRuns: number;
  maxEventsPerRun: number;
  batchSize: number;
};

const CREATE_CONCURRENCY = 16;
const PROBE_EVENTS = 200;
/** If creating the events would take longer, some are created late (and reported as such). */
const MAX_LEAD_MS = 240_000;
const DRAIN_TIMEOUT_MS = 180_000;

/** BATCH_SIZE as the Scheduler source declares it, so the check follows the code. */
export async function schedulerBatchSize(): Promise<number> {
  const source = await readFile(
    new URL("../src/objects/scheduler.ts", import.meta.url),
    "utf8",
  );
  const match = /export const BATCH_SIZE = (\d+)/.exec(source);
  if (!match)
    throw new Error("BATCH_SIZE not found in src/objects/scheduler.ts");
  return Number(match[1]);
}

/**
 * `events` one-shot events, all due at the same instant, whose action posts to a chat room that
 * this process listens to. Each message's `at` is when the room stored it, that is when the
 * event ran, so lag = at - runAt needs no access to the scheduler's internals. Alarm runs are
 * counted from the Scheduler's own `scheduler_alarm` log lines, read from wrangler's output.
 */
export async function drainScheduler({
  baseUrl,
  events,
  alarmLog,
}: {
  baseUrl: string;
  events: number;
  /** Every `ran` count logged so far; the caller feeds it from wrangler's output. */
  alarmLog: number[];
}): Promise<DrainResult> {
  const batchSize = await schedulerBatchSize();
  const scheduler = `bench-${Date.now()}`;
  const room = `${scheduler}-room`;
  const executedAt = new Map<string, number>();
  const listener = await listen(baseUrl, room, executedAt);

  // Creation speed on this machine decides how far ahead the shared due time must be. The
  // probe warms the path first (the first calls pay for module and object start-up), then times
  // PROBE_EVENTS creations on the scheduler that will run the real ones.
  const later = Date.now() + 3_600_000;
  await createMany(baseUrl, scheduler, room, CREATE_CONCURRENCY, later, "warm");
  const probeStart = performance.now();
  await createMany(baseUrl, scheduler, room, PROBE_EVENTS, later, "probe");
  const perEventMs = (performance.now() - probeStart) / PROBE_EVENTS;
  const leadMs = Math.min(MAX_LEAD_MS, perEventMs * events * 1.3 + 5_000);
  const runAt = Date.now() + Math.ceil(leadMs);

  const alarmRunsBefore = alarmLog.length;
  const createStart = performance.now();
  const finishedAt = await createMany(baseUrl, scheduler, room, events, runAt);
  const createSeconds = (performance.now() - createStart) / 1000;
  const createdLate = finishedAt.filter((at) => at > runAt).length;

  const deadline =
    Date.now() + Math.max(0, runAt - Date.now()) + DRAIN_TIMEOUT_MS;
  while (executedAt.size < events && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  listener.close();
  if (executedAt.size < events) {
    throw new Error(`only ${executedAt.size} of ${events} events ran`);
  }
  const lags = [...executedAt.values()].map((at) => at - runAt);
  const { p50, p99 } = latencySummary(lags);
  const runs = alarmLog.slice(alarmRunsBefore).filter((ran) => ran > 0);
  return {
    events,
    createSeconds,
    createdLate,
    drainSeconds: Math.max(...lags) / 1000,
    lagP50Ms: p50,
    lagP99Ms: p99,
    alarmRuns: runs.length,
    maxEventsPerRun: Math.max(0, ...runs),
    batchSize,
  };
}

/** The `ran` count of each `scheduler_alarm` log line among complete lines of wrangler output. */
export function alarmRunsIn(lines: string[]): number[] {
  return lines.flatMap((line) => {
    if (!line.includes('"scheduler_alarm"')) return [];
    try {
      const entry = JSON.parse(line.slice(line.indexOf("{"))) as {
        event?: string;
        ran?: number;
      };
      return entry.event === "scheduler_alarm" && typeof entry.ran === "number"
        ? [entry.ran]
        : [];
    } catch {
      return [];
    }
  });
}

/** Creates `count` events; returns when each creation was acknowledged (epoch ms). */
async function createMany(
  baseUrl: string,
  scheduler: string,
  room: string,
  count: number,
  runAt: number,
  label = "event",
): Promise<number[]> {
  const finishedAt: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (next < count) {
        const index = next++;
        const res = await fetch(
          `${baseUrl}/api/schedulers/${scheduler}/events`,
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              at: runAt,
              action: { type: "chat.post", room, text: `${label} ${index}` },
            }),
          },
        );
        await res.arrayBuffer();
        if (res.status !== 201)
          throw new Error(`create answered ${res.status}`);
        finishedAt.push(Date.now());
      }
    }),
  );
  return finishedAt;
}

async function listen(
  baseUrl: string,
  room: string,
  executedAt: Map<string, number>,
): Promise<WebSocket> {
  const ws = new WebSocket(
    `${baseUrl.replace("http", "ws")}/api/rooms/${room}/websocket?user=observer`,
  );
  ws.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data)) as {
      type: string;
      text?: string;
      at?: number;
    };
    if (frame.type === "message" && frame.text && frame.at) {
      executedAt.set(frame.text, frame.at);
    }
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  return ws;
}
