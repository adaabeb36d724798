// Static assets never run the Worker, so their headers come from public/_headers: check them
// where they apply, on a real `wrangler dev`.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startDev } from "./wrangler-dev.ts";

test(
  "the page and its files carry a policy that allows only their own origin",
  { timeout: 120_000 },
  async () => {
    const persistTo = await mkdtemp(join(tmpdir(), "headers-state-"));
    const server = await startDev({ persistTo });
    try {
      for (const path of ["/", "/app.js", "/styles.css"]) {
        const res = await fetch(`${server.url}${path}`);
        assert.equal(res.status, 200, path);
        const csp = res.headers.get("Content-Security-Policy") ?? "";
        for (const directive of [
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "connect-src 'self'",
          "frame-ancestors 'none'",
          "object-src 'none'",
        ]) {
          assert.ok(csp.includes(directive), `${path}: ${directive} in ${csp}`);
        }
        assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
        assert.equal(res.headers.get("X-Frame-Options"), "DENY");
        await res.arrayBuffer();
      }
      const rules = await fetch(`${server.url}/_headers`);
      assert.equal(rules.status, 404, "the rules file itself is not served");
      await rules.arrayBuffer();

      const api = await fetch(`${server.url}/api/health`);
      assert.match(
        api.headers.get("Content-Security-Policy") ?? "",
        /default-src 'none'/,
      );
      await api.arrayBuffer();
    } finally {
      await server.stop();
      await rm(persistTo, { recursive: true, force: true });
    }
  },
);
