import { readFile } from "node:fs/promises";
import { latencySummary } from "./stats.ts";

export type DrainResult = {
  events: number;
  /** The same number of events created with one request each, on another scheduler. */
  singleCreateSeconds: number;
  /** Created with the batch route, MAX_BATCH events a request. */
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
  /** Summed over the alarm runs: time spent waiting for the actions' RPCs to answer. */
  actionSeconds: number;
};

export type AlarmRun = { ran: number; actionMs: number };

const CREATE_CONCURRENCY = 16;
const BATCH_CONCURRENCY = 4;
const MAX_BATCH = 100;
const PROBE_EVENTS = 1_000;
/** If creating the events would take longer, some are created late (and reported as such). */
const MAX_LEAD_MS = 240_000;
const DRAIN_TIMEOUT_MS = 180_000;

/** BATCH_SIZE as the Scheduler source declares it, so the check follows the code. */
export async function schedulerBatchSize(): Promise<number> {
  const source = await readFile(
    new URL("../src/scheduler/limits.ts", import.meta.url),
    "utf8",
  );
  const match = /export const BATCH_SIZE = (\d+)/.exec(source);
  if (!match)
    throw new Error("BATCH_SIZE not found in src/scheduler/limits.ts");
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
  /** Every alarm run logged so far; the caller feeds it from wrangler's output. */
  alarmLog: AlarmRun[];
}): Promise<DrainResult> {
  const batchSize = await schedulerBatchSize();
  const scheduler = `bench-${Date.now()}`;
  const room = `${scheduler}-room`;
  const executedAt = new Map<string, number>();
  const listener = await listen(baseUrl, room, executedAt);

  // One request per event, as a client without the batch route would: on a scheduler of its
  // own, due long after the run, so only the creation is measured.
  const later = Date.now() + 3_600_000;
  const singleStart = performance.now();
  await createOneByOne(baseUrl, `${scheduler}-single`, room, events, later);
  const singleCreateSeconds = (performance.now() - singleStart) / 1000;

  // Batch creation speed decides how far ahead the shared due time must be. The probe warms
  // the path first, then times PROBE_EVENTS creations on the scheduler that runs the real ones.
  await createInBatches(baseUrl, scheduler, room, MAX_BATCH, later, "warm");
  const probeStart = performance.now();
  await createInBatches(baseUrl, scheduler, room, PROBE_EVENTS, later, "probe");
  const perEventMs = (performance.now() - probeStart) / PROBE_EVENTS;
  const leadMs = Math.min(MAX_LEAD_MS, perEventMs * events * 1.3 + 5_000);
  const runAt = Date.now() + Math.ceil(leadMs);

  const alarmRunsBefore = alarmLog.length;
  const createStart = performance.now();
  const finishedAt = await createInBatches(
    baseUrl,
    scheduler,
    room,
    events,
    runAt,
  );
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
  const runs = alarmLog.slice(alarmRunsBefore).filter((run) => run.ran > 0);
  return {
    events,
    singleCreateSeconds,
    createSeconds,
    createdLate,
    drainSeconds: Math.max(...lags) / 1000,
    lagP50Ms: p50,
    lagP99Ms: p99,
    alarmRuns: runs.length,
    maxEventsPerRun: Math.max(0, ...runs.map((run) => run.ran)),
    batchSize,
    actionSeconds: runs.reduce((sum, run) => sum + run.actionMs, 0) / 1000,
  };
}

/** Each `scheduler_alarm` log line among complete lines of wrangler output. */
export function alarmRunsIn(lines: string[]): AlarmRun[] {
  return lines.flatMap((line) => {
    if (!line.includes('"scheduler_alarm"')) return [];
    try {
      const entry = JSON.parse(line.slice(line.indexOf("{"))) as {
        event?: string;
        ran?: number;
        actionMs?: number;
      };
      return entry.event === "scheduler_alarm" && typeof entry.ran === "number"
        ? [{ ran: entry.ran, actionMs: entry.actionMs ?? 0 }]
        : [];
    } catch {
      return [];
    }
  });
}

const body = (room: string, runAt: number, text: string) => ({
  at: runAt,
  action: { type: "chat.post", room, text },
});

/** Creates `count` events, one request each; returns when each was acknowledged (epoch ms). */
function createOneByOne(
  baseUrl: string,
  scheduler: string,
  room: string,
  count: number,
  runAt: number,
): Promise<number[]> {
  const url = `${baseUrl}/api/schedulers/${scheduler}/events`;
  return inParallel(count, 1, CREATE_CONCURRENCY, (first) =>
    post(url, body(room, runAt, `single ${first}`), 201),
  );
}

/** Creates `count` events, MAX_BATCH a request; returns when each was acknowledged (epoch ms). */
function createInBatches(
  baseUrl: string,
  scheduler: string,
  room: string,
  count: number,
  runAt: number,
  label = "event",
): Promise<number[]> {
  const url = `${baseUrl}/api/schedulers/${scheduler}/events/batch`;
  return inParallel(count, MAX_BATCH, BATCH_CONCURRENCY, (first, size) =>
    post(
      url,
      {
        events: Array.from({ length: size }, (_, i) =>
          body(room, runAt, `${label} ${first + i}`),
        ),
      },
      200,
    ),
  );
}

/** `count` items in chunks of `chunk`, `concurrency` requests in flight; one timestamp per item. */
async function inParallel(
  count: number,
  chunk: number,
  concurrency: number,
  send: (first: number, size: number) => Promise<void>,
): Promise<number[]> {
  const finishedAt: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const first = next;
        const size = Math.min(chunk, count - first);
        next += size;
        await send(first, size);
        finishedAt.push(...Array<number>(size).fill(Date.now()));
      }
    }),
  );
  return finishedAt;
}

async function post(url: string, json: unknown, status: number) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(json),
  });
  await res.arrayBuffer();
  if (res.status !== status) throw new Error(`${url} answered ${res.status}`);
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
