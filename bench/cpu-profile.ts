// A V8 CPU profile of a `wrangler dev` Worker's isolate (its Durable Objects included), taken
// over the devtools protocol through wrangler's inspector, summarised by self time.
import type { DevServer } from "../test/process/wrangler-dev.ts";

type CallFrame = {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
};
type Profile = {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  startTime: number;
  endTime: number;
};

export type SelfTime = { name: string; share: number };
export type ProfileSummary = {
  samples: number;
  /** Wall time the isolate was busy (not "(idle)") while profiled, from the share of samples. */
  busyMs: number;
  byFunction: SelfTime[];
  byFile: SelfTime[];
  byPart: SelfTime[];
};

/**
 * Parts of the work, each named by the functions that do it: a sample counts for the first
 * part with one of its functions anywhere on the stack, so a send counts for the broadcast
 * loop that called it. What matches no part is "other".
 */
export type Parts = [part: string, functions: string[]][];

/** Starts V8's sampling profiler on `server` (started with devtools); call the result to stop it. */
export async function startProfile(
  server: DevServer,
  parts: Parts,
): Promise<() => Promise<ProfileSummary>> {
  const inspector = server.inspectorPort;
  if (inspector === undefined)
    throw new Error(`${server.url} runs without the devtools inspector`);
  const targets = (await (
    await fetch(`http://127.0.0.1:${inspector}/json`)
  ).json()) as { webSocketDebuggerUrl: string }[];
  // The inspector refuses an upgrade without an allowed Origin, and Node's WebSocket sends none
  // unless told: it takes headers (undici's WebSocketInit), which the DOM type does not know.
  const NodeWebSocket = WebSocket as unknown as new (
    url: string,
    init: { headers: Record<string, string> },
  ) => WebSocket;
  const ws = new NodeWebSocket(targets[0].webSocketDebuggerUrl, {
    headers: { Origin: "http://localhost" },
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let id = 0;
  const call = (method: string, params = {}) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const mine = ++id;
      const answer = ({ data }: MessageEvent) => {
        const reply = JSON.parse(String(data)) as {
          id?: number;
          result?: Record<string, unknown>;
        };
        if (reply.id !== mine) return;
        ws.removeEventListener("message", answer);
        resolve(reply.result ?? {});
      };
      ws.addEventListener("message", answer);
      ws.send(JSON.stringify({ id: mine, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return async () => {
    const { profile } = (await call("Profiler.stop")) as { profile: Profile };
    await call("Debugger.enable");
    const sources = new Map<string, string>();
    for (const { callFrame } of profile.nodes) {
      if (!callFrame.url || sources.has(callFrame.scriptId)) continue;
      const { scriptSource } = await call("Debugger.getScriptSource", {
        scriptId: callFrame.scriptId,
      });
      sources.set(callFrame.scriptId, String(scriptSource));
    }
    ws.close();
    return summarise(profile, sourceFileOf(sources), parts);
  };
}

/**
 * wrangler's bundle is not minified and marks where each source file starts (`// src/x.ts`):
 * a line of the bundle maps back to the last marker above it.
 */
function sourceFileOf(sources: Map<string, string>) {
  const markers = new Map<string, { line: number; file: string }[]>();
  for (const [scriptId, text] of sources) {
    markers.set(
      scriptId,
      text.split("\n").flatMap((line, i) => {
        const file = /^\/\/ ((?:\.\.\/)*[\w@./-]+\.m?[jt]s)$/.exec(line)?.[1];
        return file ? [{ line: i, file }] : [];
      }),
    );
  }
  return ({ scriptId, lineNumber }: CallFrame) =>
    markers
      .get(scriptId)
      ?.findLast(({ line }) => line <= lineNumber)
      ?.file.replace(/^(\.\.\/)+/, "")
      .replace(/^node_modules\//, "") ?? "(runtime: native calls)";
}

/**
 * Self time by sample count. Not by the gaps between samples: on a loaded machine the sampler
 * runs late, and a gap says more about the scheduler than about the function it lands on.
 */
function summarise(
  { nodes, samples, startTime, endTime }: Profile,
  fileOf: (frame: CallFrame) => string,
  parts: Parts,
): ProfileSummary {
  const frameOf = new Map(nodes.map((n) => [n.id, n.callFrame]));
  const parentOf = new Map<number, number>();
  for (const { id, children = [] } of nodes)
    for (const child of children) parentOf.set(child, id);
  const stackOf = (nodeId: number) => {
    const names = new Set<string>();
    for (
      let at: number | undefined = nodeId;
      at !== undefined;
      at = parentOf.get(at)
    )
      names.add(frameOf.get(at)!.functionName);
    return names;
  };
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byPart = new Map<string, number>();
  let busy = 0;
  for (const nodeId of samples) {
    const frame = frameOf.get(nodeId)!;
    if (frame.functionName === "(idle)") continue;
    busy++;
    const stack = stackOf(nodeId);
    const part =
      parts.find(([, names]) => names.some((n) => stack.has(n)))?.[0] ??
      "other";
    byPart.set(part, (byPart.get(part) ?? 0) + 1);
    const file = fileOf(frame);
    const name = `${frame.functionName || "(anonymous)"} ${frame.url ? `${file}:${frame.lineNumber + 1}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + 1);
    byFile.set(file, (byFile.get(file) ?? 0) + 1);
  }
  const top = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, count]) => ({ name: name.trim(), share: count / busy }));
  return {
    samples: samples.length,
    busyMs: ((endTime - startTime) * busy) / samples.length / 1000,
    byFunction: top(byFunction),
    byFile: top(byFile),
    byPart: top(byPart),
  };
}
