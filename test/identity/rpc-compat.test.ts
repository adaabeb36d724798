import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { uniqueName } from "../helpers/http";

// The Worker and NameHold objects update independently for a while after a deploy, so each
// method keeps accepting the oldest payload shape it ever accepted. Add a case, never edit one.
describe("NameHold RPC payloads from older callers", () => {
  it("accepts every payload shape it ever accepted", async ({ expect }) => {
    const hold = env.NAME_HOLD.getByName(uniqueName("compat"));
    const claimed = await hold.claim({
      user: "ada",
      secretHash: "a".repeat(64),
      lapseMs: 60_000,
    });
    expect(claimed).toMatchObject({ user: "ada", renewed: false });
    const holdId = (claimed as { holdId: string }).holdId;
    expect(
      await hold.claim({
        user: "ada",
        secretHash: "a".repeat(64),
        proofHash: "a".repeat(64),
        lapseMs: 60_000,
      }),
    ).toMatchObject({ holdId, renewed: true });
    expect(await hold.isHeldBy({ holdId })).toBe(true);
    expect(await hold.release({ proofHash: "b".repeat(64) })).toMatchObject({
      failure: { code: "forbidden" },
    });
    expect(await hold.release({ proofHash: "a".repeat(64) })).toBeNull();
    expect(await hold.release({ admin: true })).toBeNull();
    expect(await hold.isHeldBy({ holdId })).toBe(false);
  });
});
