import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeLocalConfig } from "../../scripts/local-limits.ts";
import { REPO, runScript } from "./run-script.ts";

test(
  "a deploy looser than production fails check:deploy, naming the target and what to fix",
  { timeout: 300_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "check-deploy-"));
    try {
      // The local-budget copy (top level 100 000 per 10 s), with admin auth switched off at the
      // top level and staging missing its limiter and its secret.
      const path = writeLocalConfig(join(REPO, "wrangler.jsonc"), dir);
      const config = JSON.parse(await readFile(path, "utf8")) as {
        vars: Record<string, string>;
        env: { staging: Record<string, unknown> };
      };
      config.vars.ADMIN_AUTH = "disabled";
      delete config.env.staging.ratelimits;
      delete config.env.staging.secrets;
      await writeFile(path, JSON.stringify(config));

      const { code, output } = await runScript(
        "check-deploy.ts",
        "--config",
        path,
      );
      assert.equal(code, 1, output);
      assert.match(
        output,
        /✘ top level \(npm run deploy, Deploy button, Workers Builds\):\n(- .*\n)*- WRITE_LIMITER allows 100000 per 10 s, looser than production's 100 per 10 s\n(- .*\n)*- ADMIN_AUTH is "disabled", not "required"/,
      );
      assert.match(
        output,
        /✘ env\.staging:\n(- .*\n)*- has no rate limiter WRITE_LIMITER\n(- .*\n)*- does not require secret API_TOKEN/,
      );
      assert.match(
        output,
        /✔ env\.production: .*WRITE_LIMITER 100\/10s.*ADMIN_AUTH="required".*secrets API_TOKEN/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
