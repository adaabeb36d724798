/**
 * Takes features out of the project: `npm run remove -- [--deployed] <feature> …`. What each
 * feature owns is the table in ./remove/features.ts; docs/removing-features.md explains it.
 *
 * Never deployed (the default): a removed class's migration entries and log rows are dropped,
 * and `.migrations-baseline` records that the tags committed so far were never applied anywhere,
 * so `npm run check:migrations` compares with history after this commit only.
 * `--deployed`: a `deleted_classes` tag is appended instead, which destroys the class's data.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, posix, resolve } from "node:path";
import { parseArgs } from "node:util";
import { FEATURES, type Feature } from "./remove/features.ts";

export const BASELINE_FILE = ".migrations-baseline";

export type Options = { root: string; deployed: boolean };

export function removeFeatures(names: string[], options: Options): string[] {
  const unknown = names.filter((name) => !(name in FEATURES));
  if (names.length === 0 || unknown.length > 0)
    throw new Error(
      `${unknown.length ? `unknown feature(s): ${unknown.join(", ")}. ` : ""}Removable: ${Object.keys(FEATURES).join(", ")}`,
    );
  const chosen = new Set(names);
  for (const name of chosen) {
    const missing = (FEATURES[name].requires?.features ?? []).filter(
      (other) => !chosen.has(other),
    );
    if (missing.length > 0)
      throw new Error(
        `${name} cannot go alone: ${FEATURES[name].requires!.why} Run: npm run remove -- ${[...chosen, ...missing].join(" ")}`,
      );
  }
  const files = new Files(options.root);
  const done: string[] = [];
  // Table order: an edit may rely on an earlier row's (scheduler before chat in client/main.ts).
  const features = Object.keys(FEATURES)
    .filter((name) => chosen.has(name))
    .map((name) => FEATURES[name]);
  for (const feature of features) {
    for (const path of feature.paths) {
      if (existsSync(join(options.root, path))) {
        rmSync(join(options.root, path), { recursive: true, force: true });
        done.push(`deleted ${path}`);
      }
    }
  }
  for (const feature of features) applyEdits(files, feature, done);
  editWrangler(files, features, options.deployed, done);
  editPackageJson(files, features, done);
  editDocs(files, features, done);
  if (!options.deployed && features.some((f) => f.wrangler.classes?.length)) {
    const head = git(options.root, ["rev-parse", "--verify", "-q", "HEAD"]);
    if (head) {
      files.write(
        BASELINE_FILE,
        `${head}\n# Tags committed up to this commit were never deployed: npm run remove dropped some.\n# scripts/migrations/history.ts compares wrangler.jsonc only with later commits.\n`,
      );
      done.push(`wrote ${BASELINE_FILE} (${head.slice(0, 7)})`);
    }
  }
  files.flush();
  const formatted = files
    .changed()
    .filter((path) => existsSync(join(options.root, path)));
  if (formatted.length > 0)
    execFileSync(
      join(options.root, "node_modules", ".bin", "prettier"),
      ["--write", "--ignore-unknown", "--log-level=warn", ...formatted],
      { cwd: options.root, stdio: "inherit" },
    );
  // Env's bindings and vars follow wrangler.jsonc (check:types fails otherwise).
  execFileSync("npm", ["run", "--silent", "cf-typegen"], {
    cwd: options.root,
    stdio: "ignore",
  });
  done.push("ran npm run cf-typegen");
  return done;
}

/** Reads each file once, writes each changed file once at the end. */
class Files {
  readonly #root: string;
  readonly #texts = new Map<string, string>();
  readonly #changed = new Set<string>();
  constructor(root: string) {
    this.#root = root;
  }
  exists(path: string): boolean {
    return this.#texts.has(path) || existsSync(join(this.#root, path));
  }
  read(path: string): string {
    let text = this.#texts.get(path);
    if (text === undefined) {
      text = readFileSync(join(this.#root, path), "utf8");
      this.#texts.set(path, text);
    }
    return text;
  }
  write(path: string, text: string): void {
    this.#texts.set(path, text);
    this.#changed.add(path);
  }
  markdown(): string[] {
    const docs = existsSync(join(this.#root, "docs"))
      ? readdirSync(join(this.#root, "docs"))
          .filter((name) => name.endsWith(".md"))
          .map((name) => `docs/${name}`)
      : [];
    return [
      "README.md",
      "AGENTS.md",
      "migrations.md",
      "BENCHMARKS.md",
      ...docs,
    ].filter((path) => existsSync(join(this.#root, path)));
  }
  changed(): string[] {
    return [...this.#changed];
  }
  flush(): void {
    for (const path of this.#changed)
      writeFileSync(join(this.#root, path), this.#texts.get(path)!);
  }
}

/** Deletes `targets` (trimmed lines) and the `//` comment lines directly above each. */
function dropLines(text: string, matches: (line: string) => boolean): string {
  const lines = text.split("\n");
  const keep = lines.map(() => true);
  lines.forEach((line, i) => {
    if (!matches(line.trim())) return;
    keep[i] = false;
    for (let j = i - 1; j >= 0 && lines[j].trim().startsWith("//"); j--)
      keep[j] = false;
  });
  return lines.filter((_, i) => keep[i]).join("\n");
}

function applyEdits(files: Files, feature: Feature, done: string[]): void {
  for (const [path, targets] of Object.entries(feature.lines ?? {})) {
    if (!files.exists(path) || targets.length === 0) continue;
    const wanted = new Set(targets);
    const before = files.read(path);
    const after = dropLines(before, (line) => wanted.has(line));
    if (after !== before) {
      files.write(path, after);
      done.push(`edited ${path}`);
    }
  }
  for (const [path, titles] of Object.entries(feature.tests ?? {})) {
    if (!files.exists(path)) continue;
    let text = files.read(path);
    for (const title of titles) text = dropTestCase(text, title, path);
    files.write(path, text);
    done.push(`edited ${path}`);
  }
  for (const { file, from, to } of feature.replace ?? []) {
    if (!files.exists(file)) continue;
    const text = files.read(file);
    const next = text.replace(from, to);
    if (next === text)
      throw new Error(
        `${file} no longer contains what npm run remove replaces: ${String(from)}`,
      );
    files.write(file, next);
    done.push(`edited ${file}`);
  }
}

/** Deletes `it("<title>…` up to the `});` at its own indentation. */
function dropTestCase(text: string, title: string, path: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex(
    (line) => /^\s*(it|describe)\(\s*["'`]/.test(line) && line.includes(title),
  );
  if (start === -1) throw new Error(`${path}: no test "${title}"`);
  const indent = /^\s*/.exec(lines[start])![0];
  const end = lines.findIndex(
    (line, i) => i > start && line === `${indent}});`,
  );
  if (end === -1)
    throw new Error(`${path}: the end of test "${title}" not found`);
  const blankAfter = lines[end + 1]?.trim() === "" ? 1 : 0;
  lines.splice(start, end - start + 1 + blankAfter);
  return lines.join("\n");
}

function editWrangler(
  files: Files,
  features: Feature[],
  deployed: boolean,
  done: string[],
): void {
  const path = "wrangler.jsonc";
  let text = files.read(path);
  const classes = features.flatMap((f) => f.wrangler.classes ?? []);
  const vars = new Set(features.flatMap((f) => f.wrangler.vars ?? []));
  const keys = new Set(features.flatMap((f) => f.wrangler.keys ?? []));
  const bindings = new Set(classes.map((c) => c.binding));
  text = dropLines(text, (line) => {
    const key = /^"([\w-]+)":/.exec(line)?.[1];
    if (key !== undefined && (vars.has(key) || keys.has(key))) return true;
    const binding = /"name":\s*"(\w+)",\s*"class_name"/.exec(line)?.[1];
    return binding !== undefined && bindings.has(binding);
  });
  for (const secret of features.flatMap((f) => f.wrangler.secrets ?? []))
    text = text.replaceAll(`, "${secret}"`, "").replaceAll(`"${secret}", `, "");

  let log = files.exists("migrations.md") ? files.read("migrations.md") : "";
  for (const { name, export: from } of classes) {
    const index = files.read("src/index.ts");
    files.write(
      "src/index.ts",
      index.replace(`export { ${name} } from "./${from}";\n`, ""),
    );
    if (deployed) {
      const tags = [...text.matchAll(/"tag":\s*"v(\d+)"/g)].map((m) =>
        Number(m[1]),
      );
      const tag = `v${Math.max(0, ...tags) + 1}`;
      const entry = `{ "tag": "${tag}", "deleted_classes": ["${name}"] },`;
      text = text.replace(
        /("migrations":\s*\[[\s\S]*?)(\n(\s*)\],)/,
        (_all, list: string, close: string, indent: string) =>
          `${list}\n${indent}  ${entry}${close}`,
      );
      log = appendLogRow(log, tag, name);
      // The `exports` example states what the tags add up to: the class is a tombstone now.
      log = log.replace(
        `"${name}": { "type": "durable-object", "storage": "sqlite" },`,
        `"${name}": { "type": "durable-object", "state": "deleted" },`,
      );
      done.push(`appended ${tag}: deleted_classes ["${name}"]`);
    } else {
      const line = `"new_sqlite_classes": ["${name}"]`;
      if (!text.includes(line))
        throw new Error(
          `wrangler.jsonc: ${name} is not created by an entry of its own (${line}); edit its migration by hand`,
        );
      text = dropLines(text, (l) => l.includes(line) && l.startsWith("{"));
      log = dropLines(
        log,
        (l) =>
          (l.startsWith("|") &&
            l.includes(`\`new_sqlite_classes: ["${name}"]\``)) ||
          l === `"${name}": { "type": "durable-object", "storage": "sqlite" },`,
      );
      done.push(`dropped ${name}'s migration entry (never deployed)`);
    }
  }
  files.write(path, text);
  if (log) files.write("migrations.md", log);
  done.push(`edited ${path}`);
}

function appendLogRow(log: string, tag: string, name: string): string {
  const lines = log.split("\n");
  const header = lines.findIndex((l) => l.startsWith("| Tag"));
  if (header === -1) return log;
  let last = header;
  while (lines[last + 1]?.startsWith("|")) last++;
  lines.splice(
    last + 1,
    0,
    `| \`${tag}\` | \`deleted_classes: ["${name}"]\` | Removed with \`npm run remove\`: every ${name} object and its data is deleted when this deploys. |`,
  );
  return lines.join("\n");
}

function editPackageJson(
  files: Files,
  features: Feature[],
  done: string[],
): void {
  const pkg = JSON.parse(files.read("package.json")) as {
    scripts: Record<string, string>;
    cloudflare?: { bindings?: Record<string, unknown> };
  };
  let changed = false;
  for (const feature of features) {
    for (const script of feature.packageJson?.scripts ?? []) {
      if (script in pkg.scripts) {
        delete pkg.scripts[script];
        changed = true;
      }
    }
    const cut = feature.packageJson?.typecheck;
    if (cut && pkg.scripts.typecheck?.includes(cut)) {
      pkg.scripts.typecheck = pkg.scripts.typecheck.replace(cut, "");
      changed = true;
    }
    for (const binding of feature.packageJson?.bindings ?? []) {
      if (pkg.cloudflare?.bindings && binding in pkg.cloudflare.bindings) {
        delete pkg.cloudflare.bindings[binding];
        changed = true;
      }
    }
  }
  if (changed) {
    files.write("package.json", `${JSON.stringify(pkg, null, 2)}\n`);
    done.push("edited package.json");
  }
}

/** Unlinks removed pages and drops shell lines that call removed routes. */
function editDocs(files: Files, features: Feature[], done: string[]): void {
  const gone = features.flatMap((f) => [
    ...(f.docs ?? []),
    ...f.paths.filter((p) => p.endsWith(".md")),
  ]);
  const routes = features.flatMap((f) => f.routes ?? []);
  for (const path of files.markdown()) {
    if (gone.includes(path)) continue;
    const before = files.read(path);
    let text = before.replace(
      /\[([^\]]*)\]\(([^)\s#]+)(#[^)\s]*)?\)/g,
      (link, label: string, target: string) =>
        /^[a-z]+:/i.test(target) ||
        !gone.includes(posix.join(posix.dirname(path), target))
          ? link
          : label,
    );
    text = dropRouteCommands(text, routes);
    if (text !== before) {
      files.write(path, text);
      done.push(`edited ${path}`);
    }
  }
}

function dropRouteCommands(markdown: string, routes: string[]): string {
  if (routes.length === 0) return markdown;
  return markdown.replace(
    /(```(?:sh|bash|shell)[^\n]*\n)([\s\S]*?)(```\n?)/g,
    (_all, open: string, body: string, close: string) => {
      const commands: string[][] = [];
      for (const line of body.split("\n")) {
        const previous = commands.at(-1);
        if (previous && /\\\s*$/.test(previous.at(-1)!.replace(/\s+#.*$/, "")))
          previous.push(line);
        else commands.push([line]);
      }
      const kept = commands
        .filter(
          (command) =>
            !routes.some((route) => command.join("\n").includes(route)),
        )
        .flat();
      if (kept.every((line) => line.trim() === "")) return "";
      return open + kept.join("\n") + close;
    },
  );
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return (
      execFileSync("git", args, {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  const { values, positionals } = parseArgs({
    options: {
      deployed: { type: "boolean", default: false },
      root: { type: "string", default: "." },
    },
    allowPositionals: true,
  });
  try {
    const done = removeFeatures(positionals, {
      root: resolve(values.root),
      deployed: values.deployed,
    });
    for (const line of done) console.log(`  ${line}`);
    if (values.deployed)
      console.warn(
        "\n!! --deployed: the appended deleted_classes tag DESTROYS every object of the removed\n" +
          "!! class(es) and all their data on the next deploy of each environment. There is no undo.\n" +
          '!! Copy out what you need first; migrations.md, "Deleting a class safely", has the two-deploy path.',
      );
    else if (done.some((line) => line.includes("never deployed")))
      console.warn(
        "\nThe class's migration entry was dropped, which is right only if no environment ever\n" +
          "deployed it. If one did, undo this (git checkout .) and run again with --deployed.",
      );
    console.log("\nNext: npm run cf-typegen && npm run check && npm test");
  } catch (error) {
    console.error(
      `✘ ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  }
}
