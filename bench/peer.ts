// cloudflare/workers-chat-demo, the public room the template's chat is measured against: run
// from a path given at run time (`--peer <dir>` or BENCH_PEER), from temp copies made now,
// never from or into this repository.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readConfig } from "../scripts/local-limits.ts";
import { baselineOptions, startTarget, type Target } from "./servers.ts";

export const PEER_HINT =
  "peer rows skipped: give a clone of cloudflare/workers-chat-demo with `npm run bench -- --peer <dir>` (or BENCH_PEER=<dir>)";

/** The peer's directory from `--peer <dir>` or BENCH_PEER, or undefined for none. */
export function peerDirFromArgs(): string | undefined {
  const { values } = parseArgs({
    options: { peer: { type: "string" } },
    strict: false,
  });
  const dir = values.peer ?? process.env.BENCH_PEER;
  return typeof dir === "string" && dir ? resolve(dir) : undefined;
}

export type Peers = {
  limiterOn: Target;
  limiterOff: Target;
  stop(): Promise<void>;
};

/**
 * Two `wrangler dev` servers of the peer, each from its own temp copy: as published (its
 * per-IP RateLimiter on), and with the limiter's check removed (see `limiterOff`). `devtools`
 * attaches wrangler's inspector, for profiles.
 */
export async function startPeers(
  dir: string,
  stateRoot: string,
  devtools = false,
): Promise<Peers> {
  const copies = await mkdtemp(join(tmpdir(), "bench-peer-"));
  const started: Target[] = [];
  const stop = async () => {
    await Promise.all(started.map((t) => t.server.stop()));
    await rm(copies, { recursive: true, force: true });
  };
  try {
    const configs = await Promise.all([
      copyPeer(dir, join(copies, "limiter-on"), []),
      copyPeer(dir, join(copies, "limiter-off"), [limiterOff]),
    ]);
    const [limiterOn, off] = await Promise.all(
      ["limiter on", "limiter off"].map((name, i) =>
        startTarget(`workers-chat-demo, ${name}`, {
          ...baselineOptions(join(stateRoot, `peer-${i}`), configs[i]),
          devtools,
        }).then((t) => (started.push(t), t)),
      ),
    );
    return { limiterOn, limiterOff: off, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

type Patch = { file: string; from: string; to: string; why: string };

/**
 * The one change for "limiter off": `webSocketMessage` no longer asks its RateLimiterClient
 * (which calls the per-IP RateLimiter object once per accepted message and refuses while a call
 * or its cooldown is pending). Everything else, the storage.put per message included, is as
 * published.
 */
const limiterOff: Patch = {
  file: "src/chat.mjs",
  from: "if (!session.limiter.checkLimit()) {",
  to: "if (false) {",
  why: "switch off the rate limiter",
};

/**
 * startDev waits for `GET /api/health` to answer 200, which the peer does not serve. The entry
 * answers it and hands every other request to the peer's own Worker, unchanged; messages on an
 * open socket never pass through it.
 */
const ENTRY = `import peer from "./src/chat.mjs";
export { ChatRoom, RateLimiter } from "./src/chat.mjs";
export default {
  fetch: (request, env, ctx) =>
    new URL(request.url).pathname === "/api/health"
      ? new Response("ok")
      : peer.fetch(request, env, ctx),
};
`;

const entryPatch: Patch = {
  file: "wrangler.toml",
  from: 'main = "src/chat.mjs"',
  to: 'main = "bench-entry.mjs"',
  why: "answer /api/health",
};

/** Copies the peer to `to`, applies the patches and returns its config's path. */
async function copyPeer(
  from: string,
  to: string,
  patches: Patch[],
): Promise<string> {
  await cp(from, to, {
    recursive: true,
    filter: (path) => !/[/\\](\.git|node_modules|\.wrangler)$/.test(path),
  });
  await writeFile(join(to, "bench-entry.mjs"), ENTRY);
  for (const patch of [entryPatch, ...patches]) await apply(to, patch);
  const config = join(to, "wrangler.toml");
  const date = /compatibility_date = "([\d-]+)"/.exec(
    await readFile(config, "utf8"),
  )?.[1];
  const ours = readConfig(
    fileURLToPath(new URL("../wrangler.jsonc", import.meta.url)),
  ).compatibility_date;
  if (!date || typeof ours !== "string")
    throw new Error(`no compatibility_date in ${config} or ours`);
  // Run on a date no later than ours, so both sides have the same runtime behaviour or older.
  if (date > ours)
    await apply(to, {
      file: "wrangler.toml",
      from: date,
      to: ours,
      why: "date",
    });
  return config;
}

async function apply(
  dir: string,
  { file, from, to, why }: Patch,
): Promise<void> {
  const path = join(dir, file);
  const text = await readFile(path, "utf8");
  const found = text.split(from).length - 1;
  if (found !== 1) {
    throw new Error(
      `cannot ${why} in workers-chat-demo: expected \`${from}\` once in ${file}, found it ${found} times; its source has changed, update bench/peer.ts`,
    );
  }
  await writeFile(path, text.replace(from, to));
}
