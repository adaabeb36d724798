/**
 * The rate limits local test runs use. wrangler.jsonc's top level carries the deployed values, so
 * whatever deploys without naming an environment (`npm run deploy`, the Deploy button, Workers
 * Builds) is limited like production. Tests send hundreds of writes from one address in
 * seconds, so they run under this budget instead: vitest.config.ts lays it over the bindings,
 * and test/process/wrangler-dev.ts starts `wrangler dev` from a copy of the config that has it.
 * Every limiter in the config gets it, so a new one needs no change here.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseConfig, type WorkerConfig } from "./migrations/config.ts";

/** Far above what one test run sends in a period; the period is kept (10 or 60 s). */
export const LOCAL_LIMIT = 100_000;

type Ratelimit = {
  name: string;
  namespace_id: string;
  simple: { limit: number; period: number };
};

export function readConfig(path: string): WorkerConfig {
  return parseConfig(readFileSync(path, "utf8"), path);
}

function ratelimitsOf(config: WorkerConfig): Ratelimit[] {
  return Array.isArray(config.ratelimits)
    ? (config.ratelimits as Ratelimit[])
    : [];
}

/** The top level's limiters with the local budget, in the shape of miniflare's `ratelimits`. */
export function localRatelimits(
  config: WorkerConfig,
): Record<string, Omit<Ratelimit, "name">> {
  return Object.fromEntries(
    ratelimitsOf(config).map(({ name, namespace_id, simple }) => [
      name,
      { namespace_id, simple: { ...simple, limit: LOCAL_LIMIT } },
    ]),
  );
}

/**
 * Writes a copy of the config at `path` into `dir` with the local budget, and returns its path.
 * The copy lives elsewhere, so the paths wrangler resolves against the config's folder (`main`,
 * the assets, the build's folders) are made absolute.
 */
export function writeLocalConfig(path: string, dir: string): string {
  const config = readConfig(path);
  const at = (relative: unknown) =>
    resolve(dirname(path), typeof relative === "string" ? relative : ".");
  const copy: WorkerConfig = {
    ...config,
    main: at(config.main),
    ratelimits: ratelimitsOf(config).map((limiter) => ({
      ...limiter,
      simple: { ...limiter.simple, limit: LOCAL_LIMIT },
    })),
  };
  delete copy.$schema;
  const assets = config.assets as { directory?: string } | undefined;
  if (assets?.directory)
    copy.assets = { ...assets, directory: at(assets.directory) };
  const build = config.build as
    { cwd?: string; watch_dir?: string } | undefined;
  if (build)
    copy.build = {
      ...build,
      cwd: at(build.cwd),
      ...(build.watch_dir ? { watch_dir: at(build.watch_dir) } : {}),
    };
  mkdirSync(dir, { recursive: true });
  const target = join(dir, "wrangler.local.json");
  writeFileSync(target, JSON.stringify(copy, null, 2));
  return target;
}
