import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { it } from "vitest";
import { uniqueName } from "../helpers/http";

// docs/recovery.md restores objects with the bookmark API on Cloudflare. If this starts failing,
// local workerd has gained point-in-time recovery: add a tested restore route and update the doc.
it("is not implemented by the local runtime, which the recovery runbook says", async ({
  expect,
}) => {
  const stub = env.COUNTER.getByName(uniqueName("pitr"));
  await stub.increment({});
  const outcome = await runInDurableObject(stub, async (_, state) => {
    const current = await state.storage.getCurrentBookmark();
    const restore = await state.storage
      .getBookmarkForTime(Date.now() - 1_000)
      .then(
        () => "implemented",
        (error: unknown) => String(error),
      );
    return { current, restore };
  });
  expect(outcome.current).toMatch(/^[0-9a-f-]+$/);
  expect(outcome.restore).toBe(
    "Error: This Durable Object's storage back-end does not implement point-in-time recovery.",
  );
});
