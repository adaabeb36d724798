import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, it, type ExpectStatic } from "vitest";
import { app } from "../../src/app";
import { api, uniqueName } from "../helpers/http";
import { recordLogs } from "../helpers/logs";

type Config = Partial<Pick<Env, "API_TOKEN" | "ADMIN_AUTH">>;

/** The real app with its real bindings, under another configuration of the two auth settings. */
function callWith(
  config: Config,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  return Promise.resolve(
    app.fetch(
      new Request(url, init),
      { ...env, ...config },
      createExecutionContext(),
    ),
  );
}

/**
 * Every operation the OpenAPI document marks as needing the bearer token, with sample params.
 * An empty requirement (`{}`) makes the credential optional: those are the chat's user routes,
 * whose credential depends on IDENTITY_MODE (test/identity-*.test.ts), not admin routes.
 */
async function adminOperations(): Promise<[string, string][]> {
  const doc = await (
    await api("/api/openapi.json")
  ).json<{
    paths: Record<string, Record<string, { security?: unknown[] }>>;
  }>();
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(
        ([, operation]) =>
          operation.security?.length &&
          operation.security.every(
            (requirement) =>
              Object.keys(requirement as object).join() === "bearer",
          ),
      )
      .map(([method]): [string, string] => [
        method.toUpperCase(),
        path.replaceAll(/\{\w+\}/g, "admin-probe"),
      ]),
  );
}

/** A counter at 5: what a refused DELETE must leave behind. */
async function seededCounter(): Promise<string> {
  const name = uniqueName("auth");
  await env.COUNTER.getByName(name).increment({ by: 5 });
  return name;
}

const valueOf = async (name: string) =>
  (await env.COUNTER.getByName(name).get()).value;

const deleteCounter = (
  config: Config,
  origin: string,
  name: string,
  authorization?: string,
  clientIp?: string,
) =>
  callWith(config, `${origin}/api/counters/${name}`, {
    method: "DELETE",
    headers: {
      ...(authorization ? { Authorization: authorization } : {}),
      ...(clientIp ? { "CF-Connecting-IP": clientIp } : {}),
    },
  });

async function expectRefused(expect: ExpectStatic, res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
  expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
}

const DEPLOYED = "https://starter.example.workers.dev";

let logs: ReturnType<typeof recordLogs>;
beforeEach(() => {
  logs = recordLogs();
});
afterEach(() => logs.restore());

describe("admin auth with API_TOKEN configured", () => {
  const configured = {
    API_TOKEN: "test-admin-token-of-at-least-32-chars",
    ADMIN_AUTH: "required",
  };

  it("refuses every admin route without the token, or with a wrong one", async ({
    expect,
  }) => {
    const operations = await adminOperations();
    // The counter's DELETE is always there; the rest depends on the features kept.
    expect(operations.map(([method]) => method)).toContain("DELETE");
    for (const [method, path] of operations) {
      for (const authorization of [undefined, "Bearer wrong-token"]) {
        const res = await callWith(configured, `${DEPLOYED}${path}`, {
          method,
          headers: authorization ? { Authorization: authorization } : {},
        });
        await expectRefused(expect, res);
      }
    }
  });

  it("refuses near misses of the token and changes nothing", async ({
    expect,
  }) => {
    const name = await seededCounter();
    for (const authorization of [
      "Bearer test-toke",
      "Bearer test-admin-token-of-at-least-32-chars2",
      "Bearer TEST-TOKEN",
      "Bearer test-admin-token-of-at-least-32-chars extra",
      "Bearer ",
      "Bearer",
      "test-admin-token-of-at-least-32-chars",
      "Basic dGVzdC10b2tlbg==",
      "Token test-admin-token-of-at-least-32-chars",
    ]) {
      await expectRefused(
        expect,
        await deleteCounter(configured, DEPLOYED, name, authorization),
      );
    }
    expect(await valueOf(name)).toBe(5);
  });

  it("accepts the right token, whatever the case of the scheme", async ({
    expect,
  }) => {
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const name = await seededCounter();
      const res = await deleteCounter(
        configured,
        DEPLOYED,
        name,
        `${scheme} test-admin-token-of-at-least-32-chars`,
      );
      expect(res.status).toBe(204);
      expect(await valueOf(name)).toBe(0);
    }
  });
});

describe("admin auth with no API_TOKEN (fails closed)", () => {
  it("refuses every admin request, whatever token is sent, and logs why", async ({
    expect,
  }) => {
    for (const missing of [undefined, ""]) {
      const name = await seededCounter();
      const config = { API_TOKEN: missing, ADMIN_AUTH: "required" };
      for (const authorization of [
        undefined,
        "Bearer test-admin-token-of-at-least-32-chars",
        "Bearer undefined",
        "Bearer ",
      ]) {
        const res = await deleteCounter(config, DEPLOYED, name, authorization);
        await expectRefused(expect, res);
        expect(logs.forRequest(res.headers.get("X-Request-Id"))).toContainEqual(
          expect.objectContaining({ event: "admin_token_missing" }),
        );
      }
      expect(await valueOf(name)).toBe(5);
    }
  });

  it("refuses a deployed hostname even when ADMIN_AUTH says disabled", async ({
    expect,
  }) => {
    const config = { API_TOKEN: undefined, ADMIN_AUTH: "disabled" };
    const name = await seededCounter();
    for (const origin of [
      DEPLOYED,
      "https://example.com",
      "https://127.example.com",
      "https://localhost.example.com",
    ]) {
      await expectRefused(expect, await deleteCounter(config, origin, name));
    }
    expect(await valueOf(name)).toBe(5);
  });

  it("lets npm run dev (ADMIN_AUTH disabled) in without setup, on loopback only", async ({
    expect,
  }) => {
    const config = { API_TOKEN: undefined, ADMIN_AUTH: "disabled" };
    for (const [origin, clientIp] of [
      ["http://localhost:8787", "127.0.0.1"],
      ["http://127.0.0.1:8787", "127.0.0.1"],
      ["http://[::1]:8787", "::1"],
    ] as const) {
      const name = await seededCounter();
      const res = await deleteCounter(
        config,
        origin,
        name,
        undefined,
        clientIp,
      );
      expect(res.status, origin).toBe(204);
      expect(await valueOf(name)).toBe(0);
    }
  });

  it("does not trust a loopback Host header from a client elsewhere", async ({
    expect,
  }) => {
    const config = { API_TOKEN: undefined, ADMIN_AUTH: "disabled" };
    const name = await seededCounter();
    for (const clientIp of [undefined, "203.0.113.7", "2001:db8::1"]) {
      await expectRefused(
        expect,
        await deleteCounter(
          config,
          "http://localhost:8787",
          name,
          undefined,
          clientIp,
        ),
      );
    }
    expect(await valueOf(name)).toBe(5);
  });

  it("counts an API_TOKEN shorter than 32 characters as missing", async ({
    expect,
  }) => {
    const name = await seededCounter();
    for (const API_TOKEN of ["x", "short-token", "x".repeat(31)]) {
      const res = await deleteCounter(
        { API_TOKEN, ADMIN_AUTH: "required" },
        DEPLOYED,
        name,
        `Bearer ${API_TOKEN}`,
      );
      await expectRefused(expect, res);
    }
    expect(await valueOf(name)).toBe(5);
  });

  it("treats any other ADMIN_AUTH value as required", async ({ expect }) => {
    const name = await seededCounter();
    for (const value of ["off", "false", "Disabled", ""]) {
      const config = { API_TOKEN: undefined, ADMIN_AUTH: value };
      await expectRefused(
        expect,
        await deleteCounter(config, "http://localhost:8787", name),
      );
    }
    expect(await valueOf(name)).toBe(5);
  });
});
