/**
 * Lints the OpenAPI document exactly as /api/openapi.json serves it, offline, with Redocly's
 * linter: the recommended rules as errors, plus what this API promises its clients (an
 * operationId, a 4xx answer and an explicit security requirement on every operation, an
 * example for every path parameter and request body, X-Request-Id on every response). Exits 1
 * on any problem. See docs/api.md.
 *
 *   node scripts/lint-openapi.ts [--print | --file <document.json>]
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import {
  createConfig,
  formatProblems,
  lintFromString,
  type RuleConfig,
} from "@redocly/openapi-core";

const SERVED_AT = "http://localhost:8787";

const rules: Record<string, RuleConfig> = {
  // Every operation says what a generator and a gateway need.
  "operation-operationId": "error",
  "operation-4xx-response": "error",
  // The WebSocket route succeeds with 101; rule/success-response below covers it.
  "operation-2xx-response": "off",
  "rule/success-response": {
    severity: "error",
    message:
      "every operation declares its success (2XX, or 101 for an upgrade)",
    subject: { type: "Responses" },
    assertions: { requireAny: ["200", "201", "204", "101"] },
  },
  "operation-summary": "error",
  "security-defined": "error",
  "no-invalid-media-type-examples": {
    severity: "error",
    allowAdditionalProperties: false,
  },
  "no-invalid-parameter-examples": "error",
  // The document names the origin that served it, and `npm run dev` is localhost by design.
  "no-server-example.com": "off",
  // No license is declared: a template's copy belongs to whoever clones it.
  "info-license": "off",
  "info-license-strict": "off",
  "rule/path-parameter-example": {
    severity: "error",
    message: "every path parameter has an example",
    subject: { type: "Parameter" },
    where: [
      {
        subject: { type: "Parameter", property: "in" },
        assertions: { const: "path" },
      },
    ],
    assertions: { required: ["example"] },
  },
  "rule/request-body-example": {
    severity: "error",
    message: "every request body has an example",
    subject: { type: "MediaType" },
    where: [
      { subject: { type: "RequestBody" }, assertions: { defined: true } },
    ],
    assertions: { required: ["example"] },
  },
  "rule/explicit-security": {
    severity: "error",
    message: "every operation states its security: [] when public",
    subject: { type: "Operation" },
    assertions: { required: ["security"] },
  },
  "rule/request-id-header": {
    severity: "error",
    message: "every response declares X-Request-Id",
    subject: { type: "Response" },
    assertions: { required: ["headers"] },
  },
  "rule/request-id-header-named": {
    severity: "error",
    message: "every response declares X-Request-Id",
    subject: { type: "HeadersMap" },
    assertions: { required: ["X-Request-Id"] },
  },
};

/** The document as the Worker serves it: the app bundled for Node, the route's own function. */
async function servedDocument(): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), "openapi-"));
  try {
    const outfile = join(dir, "document.mjs");
    await build({
      stdin: {
        contents: `export { app } from "./src/app.ts";
          export { servedDocument } from "./src/http/openapi-document.ts";`,
        resolveDir: resolve(import.meta.dirname, ".."),
        loader: "ts",
      },
      bundle: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      // Only the Durable Object classes import these, and the app does not load them.
      external: ["cloudflare:*"],
      outfile,
      logLevel: "warning",
    });
    const module = (await import(pathToFileURL(outfile).href)) as {
      app: unknown;
      servedDocument: (app: unknown, origin: string, nowMs: number) => unknown;
    };
    return module.servedDocument(module.app, SERVED_AT, Date.now());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fileArg = process.argv.indexOf("--file");
const document =
  fileArg > 0
    ? (JSON.parse(
        await readFile(process.argv[fileArg + 1] ?? "", "utf8"),
      ) as unknown)
    : await servedDocument();
if (process.argv.includes("--print")) {
  console.log(JSON.stringify(document, null, 2));
} else {
  const config = await createConfig({ extends: ["recommended-strict"], rules });
  const problems = await lintFromString({
    source: JSON.stringify(document, null, 2),
    absoluteRef: `${SERVED_AT}/api/openapi.json`,
    config,
  });
  if (problems.length > 0) {
    formatProblems(problems, {
      format: "stylish",
      totals: {} as never,
      version: "",
    });
    console.error(
      `openapi: ${problems.length} problem(s) in the served document`,
    );
    process.exit(1);
  }
  console.log("openapi: the served document passes the linter");
}
