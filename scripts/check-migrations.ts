/**
 * Fails before a deploy does, or worse, before a deploy succeeds and destroys data: checks
 * wrangler.jsonc's Durable Object class lifecycle against the Worker's code, main's history of
 * the file, and every environment. See migrations.md.
 *
 *   node scripts/check-migrations.ts [--config wrangler.jsonc] [--base <ref, default main>]
 */
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkMigrations } from "./migrations/check.ts";

const { values } = parseArgs({
  options: {
    config: { type: "string", default: "wrangler.jsonc" },
    base: { type: "string" },
  },
});
const configPath = resolve(values.config);
const shown = relative(process.cwd(), configPath) || configPath;
try {
  const { problems, notes, summary } = checkMigrations(configPath, values.base);
  for (const note of notes) console.log(`note: ${note}`);
  if (problems.length === 0) {
    console.log(`✔ ${shown}: ${summary}`);
  } else {
    console.error(
      `✘ ${shown}: ${problems.length} Durable Object migration problem(s)\n`,
    );
    for (const problem of problems) console.error(`- ${problem}\n`);
    console.error("The playbook for each of these is in migrations.md.");
    process.exitCode = 1;
  }
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`✘ ${shown}: ${message}`);
  process.exitCode = 1;
}
