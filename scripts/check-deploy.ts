/**
 * Dry-runs `wrangler deploy` for every way this Worker can be deployed (the top level, which
 * `npm run deploy`, the Deploy button and Workers Builds use, and each environment) and reads
 * the bindings wrangler reports, to prove each one is as safe as production: every rate limiter
 * production has, no looser; the fail-closed vars at their fail-closed values; production's
 * required secrets. See docs/deploy.md.
 *
 *   node scripts/check-deploy.ts [--config wrangler.jsonc]
 */
import { execFile } from "node:child_process";
import { relative, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { readConfig } from "./local-limits.ts";
import type { WorkerConfig } from "./migrations/config.ts";

/** Vars whose other values open something up; only `wrangler dev --var` may set those. */
const FAIL_CLOSED_VARS: Record<string, string> = {
  ADMIN_AUTH: "required",
  IDENTITY_MODE: "verified",
};

const REFERENCE = "production";

type Deployed = {
  limits: Map<string, { limit: number; period: number }>;
  vars: Map<string, unknown>;
  secrets: string[];
};

const run = promisify(execFile);

async function dryRun(
  configPath: string,
  env: string | undefined,
): Promise<string> {
  const outdir = `dist/${env ?? "top-level"}`;
  const args = ["deploy", "--dry-run", "--config", configPath];
  args.push("--outdir", outdir, `--env=${env ?? ""}`);
  try {
    const { stdout, stderr } = await run("npx", ["wrangler", ...args], {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(
      `wrangler ${args.join(" ")} failed:\n${failed.stdout ?? ""}${failed.stderr ?? ""}`,
      { cause: error },
    );
  }
}

/** The binding table `wrangler deploy --dry-run` prints, plus the config's required secrets. */
function readDeployed(output: string, config: WorkerConfig): Deployed {
  const limits = new Map<string, { limit: number; period: number }>();
  for (const [, name, limit, period] of output.matchAll(
    /^env\.(\w+) \((\d+) requests\/(\d+)s\)\s+Rate Limit\s*$/gm,
  ))
    limits.set(name, { limit: Number(limit), period: Number(period) });
  const vars = new Map<string, unknown>();
  for (const [, name, value] of output.matchAll(
    /^env\.(\w+) \((".*")\)\s+Environment Variable\s*$/gm,
  ))
    vars.set(name, JSON.parse(value));
  const declared = Array.isArray(config.ratelimits)
    ? config.ratelimits.length
    : 0;
  // A table wrangler printed differently must fail the check, not pass it with nothing read.
  if (limits.size !== declared)
    throw new Error(
      `read ${limits.size} rate limiter(s) from wrangler's output, but the config declares ${declared}:\n${output}`,
    );
  const required = (config.secrets as { required?: unknown } | undefined)
    ?.required;
  return {
    limits,
    vars,
    secrets: Array.isArray(required) ? required.map(String) : [],
  };
}

function problemsOf(target: Deployed, reference: Deployed): string[] {
  const problems: string[] = [];
  for (const [name, safe] of reference.limits) {
    const got = target.limits.get(name);
    if (!got) problems.push(`has no rate limiter ${name}`);
    else if (got.limit / got.period > safe.limit / safe.period)
      problems.push(
        `${name} allows ${got.limit} per ${got.period} s, looser than ${REFERENCE}'s ${safe.limit} per ${safe.period} s`,
      );
  }
  for (const [name, value] of Object.entries(FAIL_CLOSED_VARS)) {
    const got = target.vars.get(name);
    if (got !== value)
      problems.push(
        `${name} is ${JSON.stringify(got)}, not ${JSON.stringify(value)} (local switches belong on the wrangler dev command line)`,
      );
  }
  for (const secret of reference.secrets)
    if (!target.secrets.includes(secret))
      problems.push(`does not require secret ${secret}`);
  return problems;
}

function describe(deployed: Deployed): string {
  const limits = [...deployed.limits].map(
    ([name, { limit, period }]) => `${name} ${limit}/${period}s`,
  );
  const vars = Object.keys(FAIL_CLOSED_VARS).map(
    (name) => `${name}=${JSON.stringify(deployed.vars.get(name))}`,
  );
  return [...limits, ...vars, `secrets ${deployed.secrets.join(", ")}`].join(
    "; ",
  );
}

const { values } = parseArgs({
  options: { config: { type: "string", default: "wrangler.jsonc" } },
});
const configPath = resolve(values.config);
const shown = relative(process.cwd(), configPath) || configPath;
try {
  const config = readConfig(configPath);
  const envs = config.env ?? {};
  if (!envs[REFERENCE])
    throw new Error(`has no env.${REFERENCE} to hold the deployed limits`);
  const targets: [string, string | undefined, WorkerConfig][] = [
    [
      "top level (npm run deploy, Deploy button, Workers Builds)",
      undefined,
      config,
    ],
    ...Object.entries(envs).map(
      ([name, env]): [string, string, WorkerConfig] => [
        `env.${name}`,
        name,
        env,
      ],
    ),
  ];
  const deployed = new Map<string, Deployed>();
  for (const [label, env, part] of targets)
    deployed.set(label, readDeployed(await dryRun(configPath, env), part));
  const reference = deployed.get(`env.${REFERENCE}`)!;
  let failed = false;
  for (const [label, target] of deployed) {
    const problems = problemsOf(target, reference);
    if (problems.length === 0) {
      console.log(`✔ ${label}: ${describe(target)}`);
      continue;
    }
    failed = true;
    console.error(`✘ ${label}:`);
    for (const problem of problems) console.error(`- ${problem}`);
  }
  if (failed) {
    console.error(
      `\n${shown}: a deploy would be less safe than ${REFERENCE}. Give it ${REFERENCE}'s values; see docs/deploy.md.`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`✘ ${shown}: ${message}`);
  process.exitCode = 1;
}
