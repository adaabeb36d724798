import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, it, type ExpectStatic } from "vitest";
import { app } from "../../src/app";
import { api, uniqueName } from "../helpers/http";

const SELF = "https://example.com";
const PARTNER = "https://app.partner.example";
const CONFIGURED = { ALLOWED_ORIGINS: `${PARTNER}, http://localhost:5173` };

function callWith(path: string, init: RequestInit): Promise<Response> {
  return Promise.resolve(
    app.fetch(
      new Request(`${SELF}${path}`, init),
      { ...env, ...CONFIGURED },
      createExecutionContext(),
    ),
  );
}

/** Whether CORS lets a page on `origin` read an answer from the API. */
async function corsAllows(
  expect: ExpectStatic,
  origin: string,
): Promise<boolean> {
  const res = await callWith("/api/health", { headers: { Origin: origin } });
  expect(res.status).toBe(200);
  const allowed = res.headers.get("Access-Control-Allow-Origin");
  if (allowed !== null) expect(allowed).toBe(origin);
  expect(res.headers.get("Vary")).toContain("Origin");
  return allowed !== null;
}

/** Whether a page on `origin` may open a chat socket (403 before the room is woken if not). */
async function socketAllows(
  expect: ExpectStatic,
  origin: string,
): Promise<boolean> {
  const res = await callWith(
    `/api/rooms/${uniqueName("origin")}/websocket?user=ada`,
    {
      headers: { Upgrade: "websocket", Origin: origin },
    },
  );
  if (res.status === 101) {
    res.webSocket!.accept();
    res.webSocket!.close(1000, "done");
    return true;
  }
  expect(res.status).toBe(403);
  return false;
}

describe("one origin allow list", () => {
  it("governs CORS and the WebSocket Origin check alike", async ({
    expect,
  }) => {
    const cases: [string, boolean][] = [
      [SELF, true],
      [PARTNER, true],
      ["http://localhost:5173", true],
      ["https://evil.example", false],
      ["https://app.partner.example.evil.example", false],
      ["http://app.partner.example", false],
      ["https://example.com:8443", false],
      ["null", false],
    ];
    for (const [origin, allowed] of cases) {
      expect(await corsAllows(expect, origin), `CORS ${origin}`).toBe(allowed);
      expect(await socketAllows(expect, origin), `socket ${origin}`).toBe(
        allowed,
      );
    }
  });

  it("answers a preflight from an allowed origin with the methods and headers the API uses", async ({
    expect,
  }) => {
    const res = await callWith(
      `/api/counters/${uniqueName("cors")}/increment`,
      {
        method: "OPTIONS",
        headers: {
          Origin: PARTNER,
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
      },
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(PARTNER);
    expect(res.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    const allowHeaders = res.headers.get("Access-Control-Allow-Headers") ?? "";
    for (const header of ["Authorization", "Content-Type", "Idempotency-Key"]) {
      expect(allowHeaders).toContain(header);
    }
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });

  it("gives a preflight from any other origin nothing to go on, and changes nothing", async ({
    expect,
  }) => {
    const name = uniqueName("cors");
    const res = await callWith(`/api/counters/${name}/increment`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://evil.example",
        "Access-Control-Request-Method": "POST",
      },
    });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect((await env.COUNTER.getByName(name).get()).value).toBe(0);
  });

  it("lets the client read Retry-After and X-Request-Id on error answers", async ({
    expect,
  }) => {
    const res = await callWith("/api/nope", { headers: { Origin: PARTNER } });
    expect(res.status).toBe(404);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(PARTNER);
    const exposed = res.headers.get("Access-Control-Expose-Headers") ?? "";
    expect(exposed).toContain("Retry-After");
    expect(exposed).toContain("X-Request-Id");
  });

  it("adds no CORS headers to a request without Origin, but still varies on it", async ({
    expect,
  }) => {
    const res = await callWith("/api/health", {});
    expect(res.status).toBe(200);
    const cors = [...res.headers.keys()].filter((name) =>
      name.startsWith("access-control-"),
    );
    expect(cors).toEqual([]);
    expect(res.headers.get("Vary")).toBe("Origin");
  });

  it("treats OPTIONS without a preflight header as a method the route does not serve", async ({
    expect,
  }) => {
    const res = await api(`/api/counters/${uniqueName("cors")}`, {
      method: "OPTIONS",
    });
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({
      error: { code: "method_not_allowed" },
    });
  });
});

describe("security headers on the API", () => {
  it("forbids rendering, framing and caching on every kind of answer", async ({
    expect,
  }) => {
    const answers = [
      await api("/api/health"),
      await api(`/api/counters/${uniqueName("headers")}`),
      await api("/api/nope"),
      await api("/api/counters/bad%20name"),
      await api("/api/counters/x", { method: "PUT" }),
      await api(`/api/counters/${uniqueName("headers")}`, { method: "DELETE" }),
    ];
    expect(answers.map((res) => res.status)).toEqual([
      200, 200, 404, 400, 405, 401,
    ]);
    for (const res of answers) {
      expect(res.headers.get("Content-Security-Policy")).toContain(
        "default-src 'none'",
      );
      expect(res.headers.get("Content-Security-Policy")).toContain(
        "frame-ancestors 'none'",
      );
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("X-Frame-Options")).toBe("DENY");
      expect(res.headers.get("Cross-Origin-Resource-Policy")).toBe(
        "same-origin",
      );
      expect(res.headers.get("Strict-Transport-Security")).toMatch(
        /max-age=\d+/,
      );
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("X-Request-Id")).toBeTruthy();
    }
  });
});
