import { describe, it } from "vitest";
import { Contract, type Document } from "../helpers/conformance";
import { contractInUse, takeViolations } from "../helpers/conformance-setup";
import { api, uniqueName } from "../helpers/http";

const counterPath = () => `/api/counters/${uniqueName("conf")}`;

async function servedContract(): Promise<Contract> {
  return new Contract(await (await api("/api/openapi.json")).json<Document>());
}

/** The same answer with one thing changed. */
async function altered(
  response: Response,
  change: { status?: number; body?: string; drop?: string },
): Promise<Response> {
  const headers = new Headers(response.headers);
  if (change.drop) headers.delete(change.drop);
  return new Response(change.body ?? (await response.text()), {
    status: change.status ?? response.status,
    headers,
  });
}

describe("responses checked against the OpenAPI document", () => {
  it("passes a real answer as the Worker gives it", async ({ expect }) => {
    const path = counterPath();
    const res = await api(path);
    const contract = await servedContract();
    expect(await contract.check(new Request(`https://x${path}`), res)).toEqual(
      [],
    );
  });

  it("fails a status the operation does not declare", async ({ expect }) => {
    const path = counterPath();
    const res = await altered(await api(path), { status: 418 });
    const problems = await (
      await servedContract()
    ).check(new Request(`https://x${path}`), res);
    expect(problems).toEqual([
      expect.stringContaining(
        "418: status not declared for GET /api/counters/{name}",
      ),
    ]);
  });

  it("fails a body that does not match the declared schema", async ({
    expect,
  }) => {
    const path = counterPath();
    const res = await altered(await api(path), {
      body: JSON.stringify({ name: "x", value: "seven" }),
    });
    const problems = await (
      await servedContract()
    ).check(new Request(`https://x${path}`), res);
    expect(problems).toEqual([expect.stringContaining("/value")]);
  });

  it("fails an error code the status does not declare", async ({ expect }) => {
    const path = counterPath();
    const res = await altered(
      await api(`${path}/increment`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: '{"by": 0}',
      }),
      { body: JSON.stringify({ error: { code: "teapot", message: "no" } }) },
    );
    const problems = await (
      await servedContract()
    ).check(new Request(`https://x${path}/increment`, { method: "POST" }), res);
    expect(problems).toEqual([expect.stringContaining("/error/code")]);
  });

  it("fails a missing declared header", async ({ expect }) => {
    const path = counterPath();
    const res = await altered(await api(path), { drop: "X-Request-Id" });
    const problems = await (
      await servedContract()
    ).check(new Request(`https://x${path}`), res);
    expect(problems).toEqual([
      expect.stringContaining("declared header X-Request-Id is missing"),
    ]);
  });

  it("records an undeclared status for every request of the suite", async ({
    expect,
  }) => {
    // Take 200 out of the operation the suite checks against: the Worker's real answer is
    // then undeclared, and the wrapper around the Worker's fetch records it.
    const contract = await contractInUse();
    const responses =
      contract.document.paths["/api/counters/{name}"]!.get!.responses;
    const declared = responses["200"]!;
    delete responses["200"];
    try {
      await api(counterPath());
      expect(takeViolations()).toEqual([
        expect.stringContaining("200: status not declared"),
      ]);
    } finally {
      responses["200"] = declared;
    }
    await api(counterPath());
    expect(takeViolations()).toEqual([]);
  });
});
