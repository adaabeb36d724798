import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { localRatelimits, readConfig } from "./scripts/local-limits.ts";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: { API_TOKEN: "test-token" },
        ratelimits: {
          // wrangler.jsonc holds the deployed limits; the suite sends far more writes than that
          // from one address, so it runs under the local budget (see scripts/local-limits.ts).
          ...localRatelimits(readConfig("./wrangler.jsonc")),
          // A deployed-shape limit that test/reliability-rate-limit.test.ts swaps in for
          // WRITE_LIMITER.
          TIGHT_WRITE_LIMITER: {
            namespace_id: "9001",
            simple: { limit: 5, period: 10 },
          },
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // Node tests against a real `wrangler dev` (and a browser); they run with node --test.
    exclude: ["test/process/**", "test/e2e/**"],
    // The first request of a file loads the whole Worker; on a busy 2-core CI machine that alone
    // can take several seconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
