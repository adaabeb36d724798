import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import {
  startDev,
  type DevOptions,
  type DevServer,
} from "../test/process/wrangler-dev.ts";
import { cpuMeterForPort, type CpuMeter } from "./process-cpu.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
export const resultsDir = `${root}bench/results/`;
const BASELINE_CONFIG = `${root}bench/baseline/wrangler.jsonc`;
const STARTUP_TIMEOUT_MS = 180_000;

export type Target = {
  name: string;
  server: DevServer;
  cpu: CpuMeter;
  persistTo: string;
  options: DevOptions;
};

/**
 * The template's own wrangler.jsonc, pointed at a snapshot of src/ (and of the page's assets)
 * taken now, with bench/template/index.ts as `main`: the same Worker with both limiters answered
 * in-process, and no client build step. `wrangler dev` reloads the Worker, resetting every
 * object and socket, whenever a file it bundled changes; the snapshot keeps edits made to the
 * working tree during a run out of it. Regenerated on every run, so it cannot drift.
 */
export async function writeTemplateConfig(): Promise<string> {
  const config = await readConfig(`${root}wrangler.jsonc`);
  const snapshot = `${resultsDir}snapshot/`;
  await rm(snapshot, { recursive: true, force: true });
  await mkdir(snapshot, { recursive: true });
  await cp(`${root}src`, `${snapshot}src`, { recursive: true });
  await cp(`${root}bench/template`, `${snapshot}bench/template`, {
    recursive: true,
  });
  if (config.assets?.directory) {
    await cp(`${root}${config.assets.directory}`, `${snapshot}assets`, {
      recursive: true,
    });
    config.assets.directory = "snapshot/assets";
  }
  delete config.$schema;
  delete config.build;
  config.main = "snapshot/bench/template/index.ts";
  const path = `${resultsDir}template.wrangler.json`;
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

/**
 * The baseline with the template's `assets` block added (the same snapshot of the page, the same
 * `run_worker_first`), so both Workers sit behind the same static-asset router: under
 * `wrangler dev` that router is a second Worker every /api request passes through (~0.5 ms of
 * CPU here). Call after writeTemplateConfig, which takes the snapshot.
 */
export async function writeBaselineWithPageConfig(): Promise<string> {
  const template = await readConfig(`${resultsDir}template.wrangler.json`);
  const config = await readConfig(BASELINE_CONFIG);
  delete config.$schema;
  config.main = "../baseline/src/index.ts";
  config.assets = template.assets;
  const path = `${resultsDir}baseline.wrangler.json`;
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

/**
 * The template without its `assets` block, for a diagnostic beside workers-chat-demo, which has
 * none: every socket then reaches the Worker without passing the static-asset router. Call
 * after writeTemplateConfig.
 */
export async function writeTemplateApiOnlyConfig(): Promise<string> {
  const config = await readConfig(`${resultsDir}template.wrangler.json`);
  delete config.assets;
  const path = `${resultsDir}template-api-only.wrangler.json`;
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

async function readConfig(path: string) {
  const parsed = ts.parseConfigFileTextToJson(
    path,
    await readFile(path, "utf8"),
  );
  if (parsed.error) throw new Error(`cannot parse ${path}`);
  return parsed.config as Record<string, unknown> & {
    assets?: { directory?: string };
  };
}

export async function startTarget(
  name: string,
  options: DevOptions,
): Promise<Target> {
  const server = await startDev({
    timeoutMs: STARTUP_TIMEOUT_MS,
    ...options,
  });
  return {
    name,
    server,
    cpu: cpuMeterForPort(server.port),
    persistTo: options.persistTo,
    options,
  };
}

/**
 * Every server, template and baseline alike, runs without wrangler's devtools inspector
 * (`devtools: false`): with it attached each console call is serialized to the devtools
 * protocol and relayed through a second workerd to wrangler, ~2.5 ms of CPU per log line here,
 * a cost of local debugging that a deployed Worker does not have.
 */
export const baselineOptions = (
  persistTo: string,
  config = BASELINE_CONFIG,
): DevOptions => ({
  persistTo,
  config,
  logLevel: "warn",
  devtools: false,
});

export const templateOptions = (
  persistTo: string,
  config: string,
  vars: Record<string, string> = {},
  logLevel: DevOptions["logLevel"] = "warn",
  devtools = false,
): DevOptions => ({ persistTo, config, vars, logLevel, devtools });

/** Stops and starts the same Worker on the same state: every object is cold again. */
export async function restart(target: Target): Promise<Target> {
  await target.server.stop();
  return startTarget(target.name, target.options);
}
