import { env } from "cloudflare:workers";
import { it } from "vitest";

// wrangler.jsonc holds the deployed limit (100 per 10 s); vitest.config.ts must lay the local
// budget over it, or a suite that sends hundreds of writes from one address would see 429s.
it("the suite's WRITE_LIMITER runs under the local budget, not the deployed limit", async ({
  expect,
}) => {
  const key = `local-${crypto.randomUUID()}`;
  const outcomes = await Promise.all(
    Array.from({ length: 150 }, () => env.WRITE_LIMITER.limit({ key })),
  );
  expect(outcomes.filter((outcome) => !outcome.success)).toEqual([]);
});
