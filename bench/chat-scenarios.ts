import { ChatLoad, type ChatRound } from "./chat-load.ts";
import { storm, type StormResult } from "./chat-storm.ts";
import { withBusyCore } from "./cpu-hog.ts";
import { untilMachineIdle } from "./process-cpu.ts";
import { interleave } from "./interleave.ts";
import { paired, type Paired } from "./table.ts";
import type { Target } from "./servers.ts";

export type ChatSettings = {
  clients: number;
  /** Messages per second, lowest first; the highest is where losses are counted. */
  rates: number[];
  seconds: number;
  rounds: number;
  stormSizes: number[];
  stormRounds: number;
};

export type ChatResults = {
  clients: number;
  /** One entry per rate, in the order of `ChatSettings.rates`. */
  rates: { rate: number; rounds: Paired<ChatRound> }[];
  /** The middle rate again with one core kept busy by another thread. */
  contended: { rate: number; rounds: Paired<ChatRound> };
  storms: { clients: number; rounds: Paired<StormResult> }[];
  /**
   * The largest storm's template rounds beside the baseline room announcing no join, run
   * before any broadcasting storm: what the client, `wrangler dev` and the Worker cost per
   * connection before any presence work. Not the same moment, so compare it loosely.
   */
  stormFloor: { clients: number; rounds: Paired<StormResult> };
};

/** Fan-out at each rate, then under contention, then reconnect storms: template against baseline. */
export async function compareChat(
  [template, baseline]: [Target, Target],
  settings: ChatSettings,
): Promise<ChatResults> {
  const pair = [template, baseline];
  const rooms = new Map<Target, ChatLoad>();
  try {
    for (const t of pair) {
      const room = await ChatLoad.open(
        t.server.url,
        "bench-chat",
        settings.clients,
      );
      rooms.set(t, room);
      await room.round({ rate: settings.rates[0], seconds: 1 });
    }
    const measure = (rate: number) => (t: Target) =>
      rooms.get(t)!.round({ rate, seconds: settings.seconds, cpu: t.cpu });
    const rates = [];
    for (const rate of settings.rates) {
      const rounds = await interleave(pair, settings.rounds, measure(rate));
      rates.push({ rate, rounds: paired(rounds, template, baseline) });
    }
    const middle = settings.rates[Math.floor(settings.rates.length / 2)];
    const contended = await withBusyCore(() =>
      interleave(pair, settings.rounds, measure(middle)),
    );
    for (const room of rooms.values()) room.close();
    rooms.clear();
    const largest = Math.max(...settings.stormSizes);
    // First, on a quiet server: after a broadcasting storm the baseline is busy for minutes
    // with the leaves of its closing sockets (another N² frames). Same server, second name.
    const floor: Target = {
      ...baseline,
      name: "baseline, joins not announced",
    };
    const floorRounds = await interleave(
      [floor],
      settings.stormRounds,
      (t, round) =>
        stormWhenIdle(t, `bench-storm-floor-${round}`, largest, "&quiet"),
    );
    const storms = [];
    for (const clients of settings.stormSizes) {
      const rounds = await interleave(pair, settings.stormRounds, (t, round) =>
        stormWhenIdle(t, `bench-storm-${clients}-${round}`, clients),
      );
      storms.push({ clients, rounds: paired(rounds, template, baseline) });
    }
    const stormFloor = {
      clients: largest,
      rounds: {
        template: storms.find((s) => s.clients === largest)!.rounds.template,
        baseline: floorRounds.get(floor)!,
      },
    };
    return {
      clients: settings.clients,
      rates,
      contended: {
        rate: middle,
        rounds: paired(contended, template, baseline),
      },
      storms,
      stormFloor,
    };
  } finally {
    for (const room of rooms.values()) room.close();
  }
}

/**
 * A storm once the machine is idle: a room that announces every leave keeps its server busy after
 * the last storm's clients are gone, and the next round must not start on top of that.
 */
async function stormWhenIdle(
  target: Target,
  room: string,
  clients: number,
  query = "",
): Promise<StormResult> {
  await untilMachineIdle();
  return storm(target.server.url, room, clients, query);
}
