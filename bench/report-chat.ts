import type { ChatRound } from "./chat-load.ts";
import type { ChatResults } from "./chat-scenarios.ts";
import type { StormResult } from "./chat-storm.ts";
import { median, round } from "./stats.ts";
import {
  comparedRows,
  cpu,
  ms,
  perSecond,
  type Metric,
  type Row,
} from "./table.ts";

/** p99 at most 1.1× the baseline's, as a speed ratio (baseline ÷ template). */
const P99_TARGET = round(1 / 1.1);
const STORM_TARGET = 10;

const latency = (
  label: string,
  value: (r: ChatRound) => number,
  target?: number,
): Metric<ChatRound> => ({
  label,
  value,
  format: ms,
  higherIsBetter: false,
  ...(target === undefined ? {} : { target }),
});

const cpuPerDelivery: Metric<ChatRound> = {
  label: "server CPU per delivered frame",
  value: (r) => r.cpuMsPerDelivery ?? Number.NaN,
  format: (value) => cpu(value * 1000).replace("ms", "µs"),
  higherIsBetter: false,
};

/** Fan-out rows per rate, the losses, the contended rate, then the storms. */
export function chatRows(chat: ChatResults): Row[] {
  const top = chat.rates.at(-1)!;
  const rows: Row[] = [];
  for (const { rate, rounds } of chat.rates) {
    const metrics = [
      latency("p50", (r) => r.p50Ms),
      latency("p99", (r) => r.p99Ms, rate === 40 ? P99_TARGET : undefined),
    ];
    if (rate === top.rate) {
      metrics.push({
        label: "delivered",
        value: (r) => r.deliveredPerSecond,
        format: perSecond,
        higherIsBetter: true,
        target: 1,
      });
    }
    metrics.push(cpuPerDelivery);
    rows.push(
      ...comparedRows(
        `Chat, ${chat.clients} clients, ${rate} msg/s`,
        rounds,
        metrics,
      ),
      lossRow(rate, rounds.template, rounds.baseline),
    );
  }
  rows.push(
    ...comparedRows(
      `Chat, ${chat.contended.rate} msg/s, one core busy elsewhere`,
      chat.contended.rounds,
      [
        latency("p50", (r) => r.p50Ms),
        latency("p99", (r) => r.p99Ms),
        cpuPerDelivery,
      ],
    ),
  );
  for (const { clients, rounds } of chat.storms) {
    rows.push(
      ...comparedRows<StormResult>(
        `Reconnect storm, ${clients} clients (baseline broadcasts every join)`,
        rounds,
        [
          {
            label: "all welcomed",
            value: (r) => r.allWelcomedMs,
            format: ms,
            higherIsBetter: false,
            ...(clients === 1000 ? { target: STORM_TARGET } : {}),
          },
          {
            label: "frames sent",
            value: (r) => r.frames,
            format: (value) => String(Math.round(value)),
            higherIsBetter: false,
          },
        ],
      ),
      presenceRow(clients, rounds.template),
    );
  }
  rows.push(
    ...comparedRows<StormResult>(
      `Reconnect storm, ${chat.stormFloor.clients} clients, against the baseline announcing no join (diagnostic floor)`,
      chat.stormFloor.rounds,
      [
        {
          label: "all welcomed",
          value: (r) => r.allWelcomedMs,
          format: ms,
          higherIsBetter: false,
        },
      ],
    ),
  );
  return rows;
}

/** Frames owed but never delivered, over every round; none may be lost up to 40 msg/s. */
function lossRow(
  rate: number,
  template: ChatRound[],
  baseline: ChatRound[],
): Row {
  const lost = (rounds: ChatRound[]) => rounds.reduce((n, r) => n + r.lost, 0);
  const refused = template.reduce((n, r) => n + r.refused, 0);
  const met = rate > 40 || lost(template) === 0;
  return [
    `Chat, ${rate} msg/s: frames lost${refused ? ` (${refused} messages refused)` : ""}`,
    String(lost(template)),
    String(lost(baseline)),
    "",
    rate <= 40 ? "0" : "",
    rate <= 40 ? (met ? "yes" : "**no**") : "",
  ];
}

function presenceRow(clients: number, template: StormResult[]): Row {
  const exact = template.every((r) => r.presenceExact);
  const p50 = median(template.map((r) => r.p50WelcomeMs));
  return [
    `Reconnect storm, ${clients}: every online list ends exact; p50 welcome`,
    `${exact ? "exact" : "**differs**"}; ${ms(p50)}`,
    "",
    "",
    "exact",
    exact ? "yes" : "**no**",
  ];
}
