import type { ChatResults } from "./chat-scenarios.ts";
import type { PeerResults } from "./chat-peer.ts";
import { chatRows } from "./report-chat.ts";
import { peerRows } from "./report-peer.ts";
import type { WakeResult } from "./cold-wake.ts";
import type { HttpRound } from "./http-load.ts";
import type { DrainResult } from "./scheduler-drain.ts";
import { shardedReadRows, type ShardedReads } from "./sharded-reads.ts";
import { round } from "./stats.ts";
import {
  comparedRows,
  markdownRows,
  ms,
  perSecond,
  soloRow,
  type Metric,
  type Paired,
  type Row,
} from "./table.ts";

export type Results = {
  increment: Paired<HttpRound>;
  /** The template as `npm run dev` runs it, devtools inspector attached, against the same baseline rounds. */
  incrementDevtools: Paired<HttpRound>;
  /** The same template rounds against the baseline without the static-asset router in front. */
  incrementApiOnly: Paired<HttpRound>;
  read: Paired<HttpRound>;
  sharded: ShardedReads;
  chat: ChatResults;
  /** Against workers-chat-demo, when the run was given its path (`--peer`). */
  peer?: PeerResults;
  scheduler: DrainResult;
  wake: Record<string, WakeResult>;
};

const cpuOf = <T extends { cpuMsPerRequest: number | null }>(round: T) =>
  round.cpuMsPerRequest ?? Number.NaN;

/** Throughput, then p50 and p99 unless `latency` is false, then server CPU per request. */
function httpMetrics({
  target,
  latency = true,
}: { target?: number; latency?: boolean } = {}): Metric<HttpRound>[] {
  const targeted = target === undefined ? {} : { target };
  const speed: Metric<HttpRound>[] = [
    {
      label: "throughput",
      value: (r) => r.requestsPerSecond,
      format: perSecond,
      higherIsBetter: true,
    },
  ];
  if (latency) {
    speed.push(
      {
        label: "p50",
        value: (r) => r.p50Ms,
        format: ms,
        higherIsBetter: false,
      },
      {
        label: "p99",
        value: (r) => r.p99Ms,
        format: ms,
        higherIsBetter: false,
      },
    );
  }
  return [
    ...speed.map((metric) => ({ ...metric, ...targeted })),
    {
      label: "server CPU per request",
      value: cpuOf,
      format: ms,
      higherIsBetter: false,
      ...targeted,
    },
  ];
}

export function markdownTable(results: Results): string {
  const rows: Row[] = [
    ...comparedRows(
      "Counter increment",
      results.increment,
      httpMetrics({ target: 0.9 }),
    ),
    ...comparedRows(
      "Counter increment, devtools inspector attached (diagnostic)",
      results.incrementDevtools,
      httpMetrics({ latency: false }),
    ),
    ...comparedRows(
      "Counter increment against an API-only baseline (diagnostic)",
      results.incrementApiOnly,
      httpMetrics({ latency: false }),
    ),
    ...comparedRows("Counter read", results.read, httpMetrics()),
    ...shardedReadRows(results.sharded),
    ...chatRows(results.chat),
    ...(results.peer ? peerRows(results.peer) : []),
    ...schedulerRows(results.scheduler),
    ...wakeRows(results.wake),
  ];
  return markdownRows(rows);
}

function schedulerRows(s: DrainResult): Row[] {
  const within = s.maxEventsPerRun <= s.batchSize;
  const speedup = s.singleCreateSeconds / s.createSeconds;
  const perSecondOf = (seconds: number) => perSecond(s.events / seconds);
  return [
    [
      `Scheduler: creating ${s.events} events, one request each ÷ batches of 100`,
      `${round(s.singleCreateSeconds, 1)} s ÷ ${round(s.createSeconds, 1)} s (${perSecondOf(s.createSeconds)})`,
      "",
      round(speedup).toFixed(1),
      "≥ 10",
      speedup >= 10 ? "yes" : "**no**",
    ],
    soloRow(
      `Scheduler, ${s.events} due at once: time to drain`,
      `${round(s.drainSeconds, 1)} s (${perSecondOf(s.drainSeconds)})${s.createdLate ? `, ${s.createdLate} created after the due time` : ""}`,
    ),
    soloRow(
      "Scheduler: of which waiting for the actions' RPCs",
      `${round(s.actionSeconds, 1)} s`,
    ),
    soloRow(
      "Scheduler: lag runAt → run, p50 / p99",
      `${ms(s.lagP50Ms)} / ${ms(s.lagP99Ms)}`,
    ),
    [
      "Scheduler: alarm runs, most events in one run",
      `${s.alarmRuns} runs, max ${s.maxEventsPerRun}`,
      "",
      "",
      `≤ ${s.batchSize}`,
      within ? "yes" : "**no**",
    ],
  ];
}

function wakeRows(wake: Record<string, WakeResult>): Row[] {
  const t = wake.template;
  const b = wake.baseline;
  if (!t || !b) return [];
  return [
    [
      "Cold wake: first request after restart",
      ms(t.coldMs),
      ms(b.coldMs),
      "",
      "",
      "",
    ],
    [
      "Cold wake: the next request (warm)",
      ms(t.warmMs),
      ms(b.warmMs),
      "",
      "",
      "",
    ],
    [
      "Cold wake: cost of waking (cold − warm)",
      ms(t.wakeCostMs),
      ms(b.wakeCostMs),
      "",
      "",
      "",
    ],
  ];
}
