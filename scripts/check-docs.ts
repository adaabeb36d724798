/**
 * Keeps the docs true to the code: every TypeScript block compiles against the project, every
 * relative link and anchor resolves, every shell block that calls the local API is run by a
 * test (`sh run`, test/process/doc-commands.test.ts) or says why not (`sh norun: <reason>`),
 * and the README stays short with its two commands first.
 *
 *   node scripts/check-docs.ts [--root <dir>] [file.md …]
 *
 * A TypeScript block compiles as if it were a file in `src/<feature>/`: `../shared/…` imports
 * the real `src/shared/…`. A block that is a fragment on purpose says so: ```ts nocheck: <why>.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  anchors,
  codeBlocks,
  links,
  callsLocalApi,
  SHELL_LANGS,
  TS_LANGS,
} from "./docs/blocks.ts";

export const README_MAX_LINES = 150;
const README_HEAD_LINES = 30;
const README_FIRST_COMMANDS = ["npm ci", "npm run dev", "npm test"];

/** README.md, AGENTS.md and every other Markdown file the project documents itself in. */
export function docFiles(root: string): string[] {
  const top = ["README.md", "AGENTS.md", "migrations.md", "BENCHMARKS.md"];
  const docs = existsSync(join(root, "docs"))
    ? readdirSync(join(root, "docs"))
        .filter((name) => name.endsWith(".md"))
        .sort()
        .map((name) => `docs/${name}`)
    : [];
  return [...top.filter((name) => existsSync(join(root, name))), ...docs];
}

export function checkDocs(root: string, files = docFiles(root)): string[] {
  const problems: string[] = [];
  const snippets: { file: string; path: string; line: number }[] = [];
  const scratch = join(
    root,
    "node_modules",
    ".cache",
    `check-docs-${process.pid}`,
  );
  rmSync(scratch, { recursive: true, force: true });
  const snippetDir = join(scratch, "src", "snippets");
  mkdirSync(snippetDir, { recursive: true });

  for (const file of files) {
    const text = readFileSync(resolve(root, file), "utf8");
    for (const block of codeBlocks(text)) {
      const where = `${file}:${block.line - 1}`;
      if (TS_LANGS.has(block.lang)) {
        if (/^nocheck\b/.test(block.info)) {
          if (!/^nocheck\s*:?\s*\S/.test(block.info))
            problems.push(
              `${where}: "nocheck" needs its reason: \`\`\`ts nocheck: <why>`,
            );
          continue;
        }
        const path = join(
          snippetDir,
          `${file.replace(/\W/g, "_")}_${block.line}.ts`,
        );
        writeFileSync(path, `${block.code}\nexport {};\n`);
        snippets.push({ file, path, line: block.line });
      }
      if (SHELL_LANGS.has(block.lang) && callsLocalApi(block.code)) {
        if (block.info !== "run" && !/^norun\s*:?\s*\S/.test(block.info))
          problems.push(
            `${where}: a shell block that calls the local API is marked \`\`\`sh run (test/process/doc-commands.test.ts runs it) or \`\`\`sh norun: <why>`,
          );
      }
    }
    for (const link of links(text)) {
      const problem = linkProblem(root, file, link.target);
      if (problem) problems.push(`${file}:${link.line}: ${problem}`);
    }
  }

  if (files.includes("README.md")) problems.push(...readmeProblems(root));
  if (snippets.length > 0) problems.push(...compile(root, scratch, snippets));
  rmSync(scratch, { recursive: true, force: true });
  return problems;
}

function linkProblem(
  root: string,
  file: string,
  target: string,
): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//"))
    return null;
  const [path = "", anchor] = target.split("#", 2);
  const resolved =
    path === "" ? resolve(root, file) : resolve(root, dirname(file), path);
  if (!existsSync(resolved))
    return `dead link ${target}: no ${relative(root, resolved)}`;
  if (anchor === undefined || anchor === "") return null;
  if (statSync(resolved).isDirectory() || !resolved.endsWith(".md"))
    return null;
  if (!anchors(readFileSync(resolved, "utf8")).has(decodeURIComponent(anchor)))
    return `dead anchor ${target}: no heading "#${anchor}" in ${relative(root, resolved)}`;
  return null;
}

function readmeProblems(root: string): string[] {
  const lines = readFileSync(join(root, "README.md"), "utf8")
    .trimEnd()
    .split("\n");
  const problems: string[] = [];
  if (lines.length > README_MAX_LINES)
    problems.push(
      `README.md: ${lines.length} lines, at most ${README_MAX_LINES}: move the detail to a page in docs/`,
    );
  const head = lines.slice(0, README_HEAD_LINES).join("\n");
  for (const command of README_FIRST_COMMANDS)
    if (!head.includes(command))
      problems.push(
        `README.md: \`${command}\` is not in the first ${README_HEAD_LINES} lines`,
      );
  return problems;
}

/** Type-checks the snippets with the Worker's compiler options; errors point at the Markdown. */
function compile(
  root: string,
  scratch: string,
  snippets: { file: string; path: string; line: number }[],
): string[] {
  const base = JSON.parse(
    readFileSync(join(root, "tsconfig.worker.json"), "utf8").replace(
      /^\s*\/\/.*$/gm,
      "",
    ),
  ) as { compilerOptions: Record<string, unknown> };
  writeFileSync(
    join(scratch, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        ...base.compilerOptions,
        types: [],
        rootDirs: [join(root, "src"), join(scratch, "src")],
        noEmit: true,
      },
      files: [
        join(root, "worker-configuration.d.ts"),
        ...snippets.map((snippet) => snippet.path),
      ],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [
      join(root, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      join(scratch, "tsconfig.json"),
      "--pretty",
      "false",
    ],
    { encoding: "utf8", cwd: root },
  );
  if (tsc.status === 0) return [];
  const problems: string[] = [];
  for (const line of `${tsc.stdout}${tsc.stderr}`.split("\n")) {
    if (line.trim() === "") continue;
    const match = /^(.*?)\((\d+),(\d+)\): (.*)$/.exec(line);
    const snippet =
      match && snippets.find((s) => resolve(root, match[1]) === s.path);
    problems.push(
      snippet && match
        ? `${snippet.file}:${snippet.line + Number(match[2]) - 1}: ${match[4]}`
        : line,
    );
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    options: { root: { type: "string", default: "." } },
    allowPositionals: true,
  });
  const root = resolve(values.root);
  const files = positionals.length > 0 ? positionals : docFiles(root);
  const problems = checkDocs(root, files);
  if (problems.length === 0) {
    console.log(
      `✔ docs: ${files.length} files, code blocks compile, links resolve`,
    );
  } else {
    console.error(`✘ docs: ${problems.length} problem(s)`);
    for (const problem of problems) console.error(`- ${problem}`);
    process.exitCode = 1;
  }
}
