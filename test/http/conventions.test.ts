import { describe, it } from "vitest";
import { api, errorCode } from "../helpers/http";

describe("HTTP conventions", () => {
  it("answers health without an object", async ({ expect }) => {
    const res = await api("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("generates an X-Request-Id, and echoes a valid incoming one", async ({
    expect,
  }) => {
    const generated = await api("/api/health");
    expect(generated.headers.get("X-Request-Id")).toMatch(/^[\w-]{8,}$/);
    const echoed = await api("/api/health", {
      headers: { "X-Request-Id": "client-abc-123" },
    });
    expect(echoed.headers.get("X-Request-Id")).toBe("client-abc-123");
    const invalid = await api("/api/health", {
      headers: { "X-Request-Id": "bad id with spaces" },
    });
    expect(invalid.headers.get("X-Request-Id")).not.toBe("bad id with spaces");
  });

  it("puts X-Request-Id on errors too", async ({ expect }) => {
    const res = await api("/api/nope");
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("answers unknown /api paths with 404 JSON", async ({ expect }) => {
    for (const path of [
      "/api/nope",
      "/api/counters",
      "/api/counters/a/b/c",
      "/api/",
    ]) {
      const res = await api(path);
      expect(res.status, path).toBe(404);
      expect(await errorCode(res)).toBe("not_found");
    }
  });

  it("answers a known path with the wrong method with 405 JSON and Allow", async ({
    expect,
  }) => {
    const cases: [string, string, string][] = [
      ["PUT", "/api/counters/a", "GET, DELETE, HEAD"],
      ["GET", "/api/counters/a/increment", "POST"],
      ["PUT", "/api/sharded-counters/a", "GET, DELETE, HEAD"],
      ["POST", "/api/health", "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await api(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("Allow")).toBe(allow);
      expect(await errorCode(res)).toBe("method_not_allowed");
    }
  });

  it("describes every route in an OpenAPI 3.1 document built from the validators", async ({
    expect,
  }) => {
    const res = await api("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths["/api/counters/{name}"] ?? {}).sort()).toEqual(
      ["delete", "get"],
    );
    expect(
      Object.keys(doc.paths["/api/counters/{name}/increment"] ?? {}),
    ).toEqual(["post"]);
    expect(
      JSON.stringify(doc.paths["/api/counters/{name}/increment"]),
    ).toContain("#/components/schemas/Step");
    expect(doc.components.schemas.Step).toMatchObject({
      properties: { by: { type: "integer", minimum: 1, maximum: 1_000_000 } },
      additionalProperties: false,
    });
    expect(Object.keys(doc.paths)).toContain(
      "/api/sharded-counters/{name}/increment",
    );
  });
});
