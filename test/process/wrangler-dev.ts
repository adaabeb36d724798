// Starts a real `wrangler dev` (workerd) for tests and benchmarks that run outside vitest.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { writeLocalConfig } from "../../scripts/local-limits.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

export type DevServer = {
  url: string;
  port: number;
  /** The devtools inspector's port; undefined with `devtools: false`. */
  inspectorPort?: number;
  /** SIGTERM for a clean stop; SIGKILL to simulate a crash. Kills workerd too (the whole group). */
  stop(signal?: NodeJS.Signals): Promise<void>;
};

export type DevOptions = {
  persistTo: string;
  port?: number;
  /** Default: wrangler.jsonc with the local rate limits (scripts/local-limits.ts), kept in persistTo. */
  config?: string;
  vars?: Record<string, string>;
  timeoutMs?: number;
  /** Every chunk wrangler and workerd print, console.log lines from the Worker included. */
  onOutput?: (text: string) => void;
  /** wrangler's --log-level; "warn" drops its per-request lines and the Worker's console lines. */
  logLevel?: "debug" | "log" | "info" | "warn" | "error" | "none";
  /**
   * false runs the same dev server through wrangler's API (./start-worker.ts) without its
   * devtools inspector, which the CLI cannot switch off. For measurements: with the inspector
   * attached, every console call is also serialized to the devtools protocol and relayed
   * through a second workerd to wrangler, a cost a deployed Worker does not have.
   */
  devtools?: boolean;
};

export async function startDev({
  persistTo,
  port,
  config,
  vars = {},
  timeoutMs = 60_000,
  onOutput,
  logLevel,
  devtools = true,
}: DevOptions): Promise<DevServer> {
  const listenPort = port ?? (await freePort());
  const inspectorPort = devtools ? await freePort() : undefined;
  // What `npm run dev` passes, since wrangler.jsonc holds the deployed values.
  const allVars = { ADMIN_AUTH: "disabled", IDENTITY_MODE: "open", ...vars };
  config ??= writeLocalConfig(`${root}wrangler.jsonc`, persistTo);
  const [command, args] = devtools
    ? [
        `${root}node_modules/.bin/wrangler`,
        cliArgs(
          { persistTo, config, logLevel },
          listenPort,
          inspectorPort!,
          allVars,
        ),
      ]
    : [
        process.execPath,
        [
          `${root}test/process/start-worker.ts`,
          JSON.stringify({
            config,
            port: listenPort,
            persistTo,
            logLevel: logLevel ?? "log",
            vars: allVars,
          }),
        ],
      ];
  const child = spawn(command, args, {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });
  let output = "";
  const record = (chunk: Buffer) => {
    const text = chunk.toString();
    // Kept for startup errors only; a long benchmark must not grow it without bound.
    if (output.length < 1_000_000) output += text;
    onOutput?.(text);
  };
  child.stdout?.on("data", record);
  child.stderr?.on("data", record);
  const url = `http://127.0.0.1:${listenPort}`;
  const server: DevServer = {
    url,
    port: listenPort,
    inspectorPort,
    stop: (signal = "SIGTERM") => stopGroup(child, signal),
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await server.stop("SIGKILL");
  throw new Error(
    `wrangler dev did not become ready in ${timeoutMs} ms:\n${output}`,
  );
}

function cliArgs(
  { persistTo, config, logLevel }: DevOptions,
  port: number,
  inspectorPort: number,
  vars: Record<string, string>,
): string[] {
  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistTo,
    "--inspector-port",
    String(inspectorPort),
    "--show-interactive-dev-session=false",
  ];
  if (config) args.push("--config", config);
  if (logLevel) args.push("--log-level", logLevel);
  for (const [key, value] of Object.entries(vars))
    args.push("--var", `${key}:${value}`);
  return args;
}

async function stopGroup(
  child: ChildProcess,
  signal: NodeJS.Signals,
): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => resolve()),
  );
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  await Promise.race([
    exited,
    new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
  ]);
  try {
    process.kill(-child.pid, "SIGKILL"); // workerd may outlive wrangler; leave nothing behind
  } catch {
    // already gone
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === "object" && address ? address.port : 0),
      );
    });
  });
}
