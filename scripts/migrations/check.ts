import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { environments, migrationsOf, parseConfig } from "./config.ts";
import { environmentProblems } from "./environments.ts";
import { appendOnlyProblems, readHistory } from "./history.ts";
import { identityProblems } from "./identity.ts";
import {
  hasDurableObjectExports,
  ledgerFromExports,
  replayMigrations,
} from "./ledger.ts";
import {
  bindingProblems,
  codeProblems,
  structureProblems,
  tagProblems,
} from "./rules.ts";
import { readWorkerCode } from "./worker-code.ts";

export type Report = { problems: string[]; notes: string[]; summary: string };

export function checkMigrations(configPath: string, baseRef?: string): Report {
  const root = dirname(configPath);
  const config = parseConfig(
    readFileSync(configPath, "utf8"),
    basename(configPath),
  );
  const migrations = migrationsOf(config);
  const history = readHistory(configPath, baseRef);
  const replay = migrations.length > 0 ? replayMigrations(config) : undefined;
  const ledger = replay?.ledger ?? ledgerFromExports(config);
  const declarative = !replay && hasDurableObjectExports(config);

  const problems = [
    ...structureProblems(config),
    ...tagProblems(config),
    // After a switch to "exports" the old tags are history, not a list to keep appending to.
    ...(declarative ? [] : appendOnlyProblems(migrations, history.versions)),
    ...(replay?.problems ?? []),
    ...bindingProblems(config, ledger),
    ...environmentProblems(config),
    ...identityProblems(config),
  ];
  const mains = new Set(
    environments(config).flatMap(
      ({ config: env }) => env.main ?? config.main ?? [],
    ),
  );
  if (ledger.live.size > 0 && mains.size === 0) {
    problems.push(
      `There are Durable Object classes but no "main": point "main" at the Worker's entry module.`,
    );
  }
  for (const main of mains) {
    const code = readWorkerCode(resolve(root, main), root);
    problems.push(...codeProblems(ledger, main, code));
  }

  const tags =
    migrations.map((m) => String(m.tag)).join(", ") || "none (exports)";
  const classes = [...ledger.live.keys()].join(", ") || "none";
  const envs = Object.keys(config.env ?? {}).join(", ") || "none";
  const summary =
    `tags ${tags}; classes ${classes} created, bound and exported; append-only against ` +
    `${history.versions.length} committed version(s) (base: ${history.base}); environments: ${envs}.`;
  return { problems, notes: history.notes, summary };
}
