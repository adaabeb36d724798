import assert from "node:assert/strict";
import type { RestartCase } from "./case.ts";

export const counter: RestartCase = {
  title: "a counter written before the stop reads back after it",
  async arrange(server) {
    const name = `restart-${crypto.randomUUID()}`;
    const write = await fetch(`${server.url}/api/counters/${name}/increment`, {
      method: "POST",
    });
    assert.equal(write.status, 200);
    // ADMIN_AUTH=disabled (one of `npm run dev`'s vars) reached the Worker, through the CLI and
    // through wrangler's API alike: an admin route answers without a token.
    const wipe = await fetch(`${server.url}/api/counters/${name}-wiped`, {
      method: "DELETE",
    });
    assert.equal(wipe.status, 204);
    return {
      async run({ server }) {
        const read = await fetch(`${server.url}/api/counters/${name}`);
        assert.deepEqual(await read.json(), { name, value: 1 });
      },
    };
  },
};
