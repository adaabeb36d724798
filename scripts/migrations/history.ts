import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  migrationsOf,
  nextTag,
  parseConfig,
  tagOf,
  type Migration,
} from "./config.ts";

export type CommittedVersion = { commit: string; migrations: Migration[] };

export type History = {
  /** How the versions were chosen, for the summary line. */
  base: string;
  /** Oldest first. */
  versions: CommittedVersion[];
  notes: string[];
};

function git(cwd: string, args: string[], input?: string): Buffer {
  return execFileSync("git", args, {
    cwd,
    input,
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
}

function tryGit(cwd: string, args: string[]): string | undefined {
  try {
    return git(cwd, args).toString().trim();
  } catch {
    return undefined;
  }
}

/**
 * Every committed version of the config reachable from the merge-base with main (or
 * origin/main): what main has deployed, or will. Commits only on the current branch are not
 * included, so a tag can still be reshaped until it reaches main.
 */
export function readHistory(configPath: string, baseRef?: string): History {
  const cwd = dirname(configPath);
  const file = basename(configPath);
  const notes: string[] = [];
  if (tryGit(cwd, ["rev-parse", "--is-inside-work-tree"]) !== "true") {
    return { base: "none", versions: [], notes: ["not a git repository"] };
  }
  if (tryGit(cwd, ["rev-parse", "--verify", "-q", "HEAD"]) === undefined) {
    return { base: "none", versions: [], notes: ["no commits yet"] };
  }
  if (tryGit(cwd, ["rev-parse", "--is-shallow-repository"]) === "true") {
    notes.push(
      "shallow clone: only the fetched history is checked (CI should fetch with fetch-depth: 0)",
    );
  }
  const refs = baseRef ? [baseRef] : ["main", "origin/main"];
  const bases = refs.flatMap((ref) => {
    const mergeBase = tryGit(cwd, ["merge-base", "HEAD", ref]);
    return mergeBase ? [{ ref, commit: mergeBase }] : [];
  });
  if (baseRef && bases.length === 0) {
    throw new Error(`--base ${baseRef} has no merge-base with HEAD`);
  }
  if (bases.length === 0) {
    bases.push({ ref: "HEAD", commit: "HEAD" });
    notes.push("no main or origin/main branch: checked against HEAD's history");
  }
  // `npm run remove` on a project never deployed drops tags, and records here that the tags
  // committed up to that commit never ran anywhere: only later versions are compared.
  const baseline = neverDeployedBefore(cwd);
  if (baseline)
    notes.push(
      `history before ${baseline.slice(0, 7)} was never deployed (.migrations-baseline)`,
    );
  const commits = new Set<string>();
  for (const { commit } of bases) {
    // First parents only: main's own line is what deployed. A merged branch's commits reached
    // main only as the merge's result, so a tag they renumbered before merging never deployed.
    const range = baseline ? [commit, `^${baseline}`] : [commit];
    const log = git(cwd, [
      "log",
      "--first-parent",
      "--format=%H",
      ...range,
      "--",
      file,
    ]);
    for (const line of log.toString().split("\n")) if (line) commits.add(line);
  }
  const ordered = [...commits].reverse();
  const blobs = readBlobs(
    cwd,
    ordered.map((c) => `${c}:./${file}`),
  );
  const versions = ordered.flatMap((commit, i) => {
    const text = blobs[i];
    if (text === undefined) return [];
    try {
      return [{ commit, migrations: migrationsOf(parseConfig(text, file)) }];
    } catch {
      // A committed version that never parsed was never deployed either.
      return [];
    }
  });
  const base = bases.map((b) => `${b.ref} ${b.commit.slice(0, 7)}`);
  return { base: base.join(", "), versions, notes };
}

/** One `git cat-file --batch` for all versions instead of one process per commit. */
function readBlobs(cwd: string, names: string[]): (string | undefined)[] {
  if (names.length === 0) return [];
  const out = git(cwd, ["cat-file", "--batch"], names.join("\n") + "\n");
  const texts: (string | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < names.length; i++) {
    const end = out.indexOf(10, at);
    const header = out.subarray(at, end).toString();
    at = end + 1;
    if (header.endsWith(" missing")) {
      texts.push(undefined);
      continue;
    }
    const size = Number(header.split(" ")[2]);
    texts.push(out.subarray(at, at + size).toString());
    at += size + 1;
  }
  return texts;
}

/** Key order inside an entry is formatting, not meaning. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/**
 * Each committed tag is compared with its first committed form: that is what the first deploy
 * applied, and what every environment deployed later will apply.
 */
export function appendOnlyProblems(
  current: Migration[],
  history: CommittedVersion[],
): string[] {
  const first = new Map<
    string,
    { entry: Migration; index: number; commit: string }
  >();
  for (const { commit, migrations } of history) {
    migrations.forEach((entry, index) => {
      const tag = tagOf(entry, index);
      if (!first.has(tag)) first.set(tag, { entry, index, commit });
    });
  }
  const next = nextTag(current);
  const problems: string[] = [];
  for (const [tag, { entry, index, commit }] of first) {
    const where = current.findIndex((m, i) => tagOf(m, i) === tag);
    const since = `first committed in ${commit.slice(0, 7)}`;
    if (where === -1) {
      problems.push(
        `Migration ${tag} (${since}) was removed. Deployed environments have applied it and ` +
          `new ones must too: restore it exactly as committed. To undo its effect, append a new tag (${next}).`,
      );
    } else if (where !== index) {
      problems.push(
        `Migration ${tag} (${since}) moved from position ${index + 1} to ${where + 1}. Tags run once, ` +
          `in array order: restore the committed order and append new tags at the end.`,
      );
    } else if (canonical(current[where]) !== canonical(entry)) {
      problems.push(
        `Migration ${tag} was edited: it was ${canonical(entry)} when ${since}, it is now ` +
          `${canonical(current[where])}. An applied tag never runs again, so the edit would only ` +
          `reach new environments: restore the committed entry and append the change as a new tag (${next}).`,
      );
    }
  }
  return problems;
}

function neverDeployedBefore(cwd: string): string | undefined {
  const path = join(cwd, ".migrations-baseline");
  if (!existsSync(path)) return undefined;
  const commit = readFileSync(path, "utf8").split("\n")[0]?.trim();
  return commit &&
    tryGit(cwd, ["rev-parse", "--verify", "-q", `${commit}^{commit}`])
    ? commit
    : undefined;
}
