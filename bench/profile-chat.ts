// `npm run bench:profile-chat -- --peer <dir>`: where the time per message goes, on the template's
// room and on workers-chat-demo (limiter off). Each runs under `wrangler dev` with its devtools
// inspector attached; V8's sampling profiler records the isolate (Worker and objects) for one
// round at saturation, summarised by self time. Bounded: BENCH_PROFILE_SECONDS per side (5).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatLoad } from "./chat-load.ts";
import {
  peerProtocol,
  templateProtocol,
  type ChatProtocol,
} from "./chat-protocol.ts";
import { startProfile, type Parts, type SelfTime } from "./cpu-profile.ts";
import { PEER_HINT, peerDirFromArgs, startPeers, type Peers } from "./peer.ts";
import {
  startTarget,
  templateOptions,
  writeTemplateConfig,
  type Target,
} from "./servers.ts";
import { round } from "./stats.ts";
import { envNumber } from "./settings.ts";

const settings = {
  seconds: envNumber("BENCH_PROFILE_SECONDS", 5),
  clients: envNumber("BENCH_CHAT_CLIENTS", 200),
  rate: 100,
  /** Past this everything is stopped, whatever is left. */
  deadlineMs: 600_000,
};

/**
 * Where a message's time goes, by the functions on the stack (both rooms' names, in order:
 * a send inside the broadcast counts for the broadcast). "Runtime" is V8's own time outside
 * any JavaScript function (`(program)`, the garbage collector).
 */
const PARTS: Parts = [
  ["broadcast: the loop and each socket's send", ["#broadcast", "broadcast"]],
  [
    "storing the message (SQL insert, prune, transaction; the peer's put)",
    ["transactionSync", "exec", "one", "put"],
  ],
  [
    "rate limit (send window in the attachment; the peer's limiter)",
    [
      "takeSendSlot",
      "saveAttachment",
      "#socketsOf",
      "socketsOf",
      "countStrike",
      "checkLimit",
    ],
  ],
  ["validation", ["parseClientFrame", "isOversized", "cleanText"]],
  ["rest of the message handler", ["webSocketMessage"]],
  [
    "runtime (outside JavaScript, garbage collection)",
    ["(program)", "(garbage collector)"],
  ],
];

/** One round at `settings.rate` on a fresh room of `target`, profiled. */
async function profileRoom(
  target: Target,
  protocol: ChatProtocol,
): Promise<string> {
  const room = await ChatLoad.open(
    target.server.url,
    "bench-profile",
    settings.clients,
    protocol,
  );
  try {
    await room.round({ rate: 10, seconds: 1 });
    const stop = await startProfile(target.server, PARTS);
    const measured = await room.round({
      rate: settings.rate,
      seconds: settings.seconds,
      cpu: target.cpu,
    });
    const profile = await stop();
    const cpuUs = round((measured.cpuMsPerDelivery ?? Number.NaN) * 1000, 1);
    const perMessageUs =
      (profile.busyMs * 1000) / (measured.sent - measured.refused);
    return [
      `### ${target.name}: ${settings.clients} clients, ${settings.rate} msg/s for ${settings.seconds} s`,
      "",
      `${Math.round(measured.deliveredPerSecond)} frames/s delivered, ${measured.lost} lost; ` +
        `${cpuUs} µs of server CPU per delivered frame (profiler attached); ` +
        `isolate busy ${Math.round(profile.busyMs)} ms (${profile.samples} samples), ` +
        `${Math.round(perMessageUs)} µs per message. Shares are of the busy time.`,
      "",
      table("Part of the work", profile.byPart, perMessageUs),
      "",
      table("Function (self time)", profile.byFunction, perMessageUs),
      "",
      table("Source file (self time)", profile.byFile, perMessageUs),
    ].join("\n");
  } finally {
    room.close();
  }
}

function table(
  heading: string,
  rows: SelfTime[],
  perMessageUs: number,
): string {
  return [
    `| ${heading} | share | µs of busy isolate per message |`,
    "| --- | ---: | ---: |",
    ...rows.map(
      ({ name, share }) =>
        `| \`${name.replaceAll("|", "\\|")}\` | ${round(share * 100, 1)} % | ${Math.round(share * perMessageUs)} |`,
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const dir = peerDirFromArgs();
  if (!dir)
    throw new Error(
      PEER_HINT.replace("npm run bench", "npm run bench:profile-chat"),
    );
  process.env.WRANGLER_WRITE_LOGS = "false";
  const config = await writeTemplateConfig();
  const root = await mkdtemp(join(tmpdir(), "bench-profile-"));
  let template: Target | undefined;
  let peers: Peers | undefined;
  const stop = async () => {
    await Promise.all([template?.server.stop(), peers?.stop()]);
    await rm(root, { recursive: true, force: true });
  };
  const deadline = setTimeout(() => {
    console.error(
      `still running after ${settings.deadlineMs / 1000} s: stopping`,
    );
    void stop().finally(() => process.exit(1));
  }, settings.deadlineMs);
  try {
    template = await startTarget(
      "template",
      templateOptions(join(root, "template"), config, {}, "warn", true),
    );
    peers = await startPeers(dir, root, true);
    console.log(await profileRoom(template, templateProtocol));
    console.log(`\n${await profileRoom(peers.limiterOff, peerProtocol)}`);
  } finally {
    clearTimeout(deadline);
    await stop();
  }
}

await main();
