import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { localRatelimits, readConfig } from "./scripts/local-limits.ts";
import { Watchdog } from "./scripts/vitest-watchdog.ts";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        // Open mode, as under `npm run dev`; test/identity/ runs the verified mode.
        bindings: {
          API_TOKEN: "test-admin-token-of-at-least-32-chars",
          IDENTITY_MODE: "open",
          SESSION_SECRET: "test-session-secret-of-at-least-32-chars",
        },
        ratelimits: {
          // wrangler.jsonc holds the deployed limits; the suite sends far more writes than that
          // from one address, so it runs under the local budget (see scripts/local-limits.ts).
          ...localRatelimits(readConfig("./wrangler.jsonc")),
          // Deployed-shape limits that test/http/rate-limit.test.ts swaps in for
          // WRITE_LIMITER and READ_LIMITER.
          TIGHT_WRITE_LIMITER: {
            namespace_id: "9001",
            simple: { limit: 5, period: 10 },
          },
          TIGHT_READ_LIMITER: {
            namespace_id: "9002",
            simple: { limit: 5, period: 10 },
          },
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // Every response the suite receives is checked against the served OpenAPI document.
    setupFiles: ["test/helpers/conformance-setup.ts"],
    // Node tests against a real `wrangler dev` (and a browser); they run with node --test.
    exclude: [
      "test/process/**",
      "test/e2e/**",
      "test/adoption/**",
      "test/remove/**",
    ],
    // The first request of a file loads the whole Worker; on a busy 2-core CI machine that alone
    // can take several seconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One workerd per Vitest worker, reused across files: starting one per file was three
    // quarters of the run. Storage is then shared by the files a worker runs, so every test
    // names its objects uniquely (test/helpers/http.ts `uniqueName`) and restores what it fakes.
    isolate: false,
    // A worker per core (Vitest's default leaves one idle): most of a run is workerd executing
    // tests, which each worker's own workerd does on its own core.
    maxWorkers: "100%",
    // Log lines (the Worker's request log, objects' lines) print only for a failing test;
    // TEST_LOGS=1 prints them all.
    silent: process.env.TEST_LOGS ? false : "passed-only",
    reporters: ["default", new Watchdog()],
    // Only tests slower than this are listed under their file; on a busy machine 300 ms (the
    // default) lists dozens.
    slowTestThreshold: 5_000,
  },
});
