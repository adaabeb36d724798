import type { ChatRound } from "./chat-load.ts";
import type { PeerRate, PeerResults } from "./chat-peer.ts";
import {
  comparedRows,
  cpu,
  ms,
  perSecond,
  type Metric,
  type Row,
} from "./table.ts";

const delivered: Metric<ChatRound> = {
  label: "delivered",
  value: (r) => r.deliveredPerSecond,
  format: perSecond,
  higherIsBetter: true,
};
const p50: Metric<ChatRound> = {
  label: "p50",
  value: (r) => r.p50Ms,
  format: ms,
  higherIsBetter: false,
};
const p99: Metric<ChatRound> = { ...p50, label: "p99", value: (r) => r.p99Ms };
const cpuPerDelivery: Metric<ChatRound> = {
  label: "server CPU per delivered frame",
  value: (r) => r.cpuMsPerDelivery ?? Number.NaN,
  format: (value) => cpu(value * 1000).replace("ms", "µs"),
  higherIsBetter: false,
};

const PEERS = [
  ["limiterOff", "limiter off"],
  ["limiterOn", "limiter on (as published)"],
] as const;

/**
 * The template ÷ workers-chat-demo, limiter off then on: latency at 40 msg/s, deliveries at the
 * highest rate (the target, ≥ 1.0× the peer with its limiter off), CPU per delivered frame at
 * each, and the frames lost and messages refused.
 */
export function peerRows({ clients, rates }: PeerResults): Row[] {
  const top = rates.at(-1)!;
  const rows: Row[] = [];
  for (const [key, label] of PEERS) {
    const scenario = (rate: number) =>
      `Chat against workers-chat-demo, ${label}, ${clients} clients, ${rate} msg/s`;
    for (const entry of rates) {
      const pairs = { template: entry.template, baseline: entry[key] };
      const metrics =
        entry === top
          ? [{ ...delivered, ...(key === "limiterOff" ? { target: 1 } : {}) }]
          : [p50, p99];
      rows.push(
        ...comparedRows(scenario(entry.rate), pairs, [
          ...metrics,
          cpuPerDelivery,
        ]),
        lossRow(scenario(entry.rate), entry, key),
      );
    }
  }
  const apiOnly = { template: top.templateApiOnly, baseline: top.limiterOff };
  rows.push(
    ...comparedRows(
      `Chat against workers-chat-demo, limiter off, ${top.rate} msg/s, the template without the static-asset router (diagnostic)`,
      apiOnly,
      [delivered, cpuPerDelivery],
    ),
  );
  return rows;
}

function lossRow(
  scenario: string,
  entry: PeerRate,
  key: "limiterOn" | "limiterOff",
): Row {
  const cell = (rounds: ChatRound[]) => {
    const sum = (of: (r: ChatRound) => number) =>
      rounds.reduce((n, r) => n + of(r), 0);
    return `${sum((r) => r.lost)} lost, ${sum((r) => r.refused)} of ${sum((r) => r.sent)} refused`;
  };
  return [
    `${scenario}: frames lost, messages refused`,
    cell(entry.template),
    cell(entry[key]),
    "",
    "",
    "",
  ];
}
