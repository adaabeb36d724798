// The template's room against cloudflare/workers-chat-demo (bench/peer.ts), limiter on and off,
// under the same client (bench/chat-load.ts). Part of `npm run bench -- --peer <dir>`;
// `npm run bench:peer -- --peer <dir>` runs it alone on four fresh servers.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatLoad, type ChatRound } from "./chat-load.ts";
import {
  peerProtocol,
  templateProtocol,
  type ChatProtocol,
} from "./chat-protocol.ts";
import { interleave } from "./interleave.ts";
import { PEER_HINT, peerDirFromArgs, startPeers, type Peers } from "./peer.ts";
import { peerRows } from "./report-peer.ts";
import {
  startTarget,
  templateOptions,
  writeTemplateApiOnlyConfig,
  writeTemplateConfig,
  type Target,
} from "./servers.ts";
import { markdownRows } from "./table.ts";
import { envNumber } from "./settings.ts";

export type PeerSettings = {
  clients: number;
  /** Messages per second, lowest first: latency is read at 40, deliveries at the highest. */
  rates: number[];
  seconds: number;
  rounds: number;
};

type Side = "template" | "templateApiOnly" | "limiterOn" | "limiterOff";

export type PeerRate = Record<Side, ChatRound[]> & { rate: number };

export type PeerResults = { clients: number; rates: PeerRate[] };

const ROOM = "bench-peer";

/** The template as the bench runs it, and without the static-asset router (diagnostic). */
export type Templates = { template: Target; templateApiOnly: Target };

/** Starts the template without its asset router, on state of its own under `stateRoot`. */
export async function startTemplateApiOnly(stateRoot: string): Promise<Target> {
  return startTarget(
    "template, API only",
    templateOptions(
      join(stateRoot, "template-api-only"),
      await writeTemplateApiOnlyConfig(),
    ),
  );
}

/** Interleaved rounds on one room of each server, each rate after the other. */
export async function compareWithPeer(
  { template, templateApiOnly }: Templates,
  peers: Peers,
  settings: PeerSettings,
): Promise<PeerResults> {
  const sides: { key: Side; target: Target; protocol: ChatProtocol }[] = [
    { key: "template", target: template, protocol: templateProtocol },
    {
      key: "templateApiOnly",
      target: templateApiOnly,
      protocol: templateProtocol,
    },
    { key: "limiterOn", target: peers.limiterOn, protocol: peerProtocol },
    { key: "limiterOff", target: peers.limiterOff, protocol: peerProtocol },
  ];
  const rooms = new Map<(typeof sides)[number], ChatLoad>();
  try {
    for (const side of sides) {
      const room = await ChatLoad.open(
        side.target.server.url,
        ROOM,
        settings.clients,
        side.protocol,
      );
      rooms.set(side, room);
      await room.round({ rate: settings.rates[0], seconds: 1 });
    }
    const rates: PeerRate[] = [];
    for (const rate of settings.rates) {
      const rounds = await interleave(sides, settings.rounds, (side) =>
        rooms.get(side)!.round({
          rate,
          seconds: settings.seconds,
          cpu: side.target.cpu,
        }),
      );
      const bySide = Object.fromEntries(
        sides.map((side) => [side.key, rounds.get(side)!]),
      ) as Record<Side, ChatRound[]>;
      rates.push({ rate, ...bySide });
    }
    return { clients: settings.clients, rates };
  } finally {
    for (const room of rooms.values()) room.close();
  }
}

async function main(): Promise<void> {
  const dir = peerDirFromArgs();
  if (!dir) throw new Error(PEER_HINT);
  const settings: PeerSettings = {
    clients: envNumber("BENCH_CHAT_CLIENTS", 200),
    rates: [40, 100],
    seconds: envNumber("BENCH_CHAT_SECONDS", 6),
    rounds: envNumber("BENCH_ROUNDS", 3),
  };
  process.env.WRANGLER_WRITE_LOGS = "false";
  const config = await writeTemplateConfig();
  const root = await mkdtemp(join(tmpdir(), "bench-peer-state-"));
  const started: Target[] = [];
  let peers: Peers | undefined;
  try {
    const template = await startTarget(
      "template",
      templateOptions(join(root, "template"), config),
    );
    started.push(template);
    const templateApiOnly = await startTemplateApiOnly(root);
    started.push(templateApiOnly);
    peers = await startPeers(dir, root);
    const results = await compareWithPeer(
      { template, templateApiOnly },
      peers,
      settings,
    );
    console.log(markdownRows(peerRows(results), "workers-chat-demo"));
  } finally {
    await Promise.all([...started.map((t) => t.server.stop()), peers?.stop()]);
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
