// Every shell block in the docs marked ```sh run is run, as written, against a real
// `wrangler dev` (what `npm run dev` starts), and every curl in it must get a 2xx answer.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { docFiles } from "../../scripts/check-docs.ts";
import { codeBlocks, SHELL_LANGS } from "../../scripts/docs/blocks.ts";
import { startDev } from "./wrangler-dev.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

// `curl` fails on any non-2xx answer; everything else runs as written.
const PRELUDE = `set -euo pipefail
curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }
`;

const blocks = docFiles(root).flatMap((file) =>
  codeBlocks(readFileSync(join(root, file), "utf8"))
    .filter((block) => SHELL_LANGS.has(block.lang) && block.info === "run")
    .map((block) => ({ ...block, where: `${file}:${block.line - 1}` })),
);

test(
  "the docs' runnable shell blocks succeed against wrangler dev",
  { timeout: 240_000 },
  async () => {
    assert.ok(blocks.length > 0, "no ```sh run block found");
    const persistTo = await mkdtemp(join(tmpdir(), "doc-commands-"));
    const server = await startDev({ persistTo });
    try {
      for (const block of blocks) {
        const script = block.code.replaceAll(
          /localhost:8787\b/g,
          `localhost:${server.port}`,
        );
        const run = spawnSync("bash", ["-c", PRELUDE + script], {
          encoding: "utf8",
          timeout: 60_000,
        });
        assert.equal(
          run.status,
          0,
          `${block.where} failed:\n${script}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
        );
      }
    } finally {
      await server.stop();
      await rm(persistTo, { recursive: true, force: true });
    }
  },
);
