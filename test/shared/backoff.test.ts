import fc from "fast-check";
import { describe, it } from "vitest";
import { backoffMs, MAX_RETRY_MS } from "../../src/shared/backoff";

describe("retry backoff", () => {
  it("waits about 1 s after the first failure, then doubles", ({ expect }) => {
    const middle = () => 0.5;
    expect(
      [1, 2, 3, 4, 5, 6, 7].map((failures) => backoffMs(failures, middle)),
    ).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000]);
  });

  it("jitters each wait within ±20%", ({ expect }) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failures, random) => {
          const base = 1_000 * 2 ** (failures - 1);
          const wait = backoffMs(failures, () => random);
          expect(wait).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
          expect(wait).toBeLessThanOrEqual(Math.min(MAX_RETRY_MS, base * 1.2));
        },
      ),
    );
  });

  it("never waits more than an hour, however many failures", ({ expect }) => {
    expect(MAX_RETRY_MS).toBe(3_600_000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failures, random) => {
          const wait = backoffMs(failures, () => random);
          expect(wait).toBeGreaterThan(0);
          expect(wait).toBeLessThanOrEqual(MAX_RETRY_MS);
        },
      ),
    );
    expect(backoffMs(13, () => 0.999)).toBe(MAX_RETRY_MS);
  });
});
