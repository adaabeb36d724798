import { describe, it } from "vitest";
import { MAX_VALUE } from "../../src/counter/counter";
import {
  api,
  errorCode,
  expectError,
  postJson,
  uniqueName,
} from "../helpers/http";
import { seedCounter } from "../helpers/storage";

async function seeded(value: number): Promise<string> {
  const counter = uniqueName("bad");
  await seedCounter(counter, value);
  return counter;
}

async function valueOf(counter: string): Promise<number> {
  const body = await (
    await api(`/api/counters/${counter}`)
  ).json<{ value: number }>();
  return body.value;
}

describe("counter bad input", () => {
  const badBodies: [string, string, string][] = [
    ["malformed JSON", "{by: 1", "invalid_json"],
    ["an empty JSON body", "", "invalid_json"],
    [
      "an unknown field",
      JSON.stringify({ by: 1, extra: true }),
      "unknown_field",
    ],
    ["a string by", JSON.stringify({ by: "5" }), "invalid_request"],
    ["a fractional by", JSON.stringify({ by: 1.5 }), "invalid_request"],
    ["a zero by", JSON.stringify({ by: 0 }), "invalid_request"],
    ["a negative by", JSON.stringify({ by: -3 }), "invalid_request"],
    [
      "a by over a million",
      JSON.stringify({ by: 1_000_001 }),
      "invalid_request",
    ],
    ["a JSON array", "[1]", "invalid_request"],
    ["JSON null", "null", "invalid_request"],
  ];

  for (const [what, body, code] of badBodies) {
    it(`refuses ${what} with 400 ${code} and changes nothing`, async ({
      expect,
    }) => {
      const counter = await seeded(10);
      for (const action of ["increment", "decrement"]) {
        const res = await postJson(`/api/counters/${counter}/${action}`, body);
        await expectError(expect, res, 400, code);
      }
      expect(await valueOf(counter)).toBe(10);
    });
  }

  for (const bad of [
    "has space",
    "a".repeat(65),
    "semi;colon",
    "dot.name",
    "%F0%9F%98%80",
  ]) {
    it(`refuses the name ${JSON.stringify(bad).slice(0, 20)} with 400 invalid_name before any object`, async ({
      expect,
    }) => {
      for (const [method, path] of [
        ["GET", `/api/counters/${bad}`],
        ["POST", `/api/counters/${bad}/increment`],
        ["GET", `/api/sharded-counters/${bad}`],
        ["POST", `/api/sharded-counters/${bad}/increment`],
      ] as const) {
        const res = await api(path, { method });
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(await errorCode(res)).toBe("invalid_name");
      }
    });
  }

  it("refuses a body over 64 KiB with 413", async ({ expect }) => {
    const counter = await seeded(3);
    const res = await postJson(
      `/api/counters/${counter}/increment`,
      JSON.stringify({ by: 1, pad: "x".repeat(70_000) }),
    );
    await expectError(expect, res, 413, "payload_too_large");
    expect(await valueOf(counter)).toBe(3);
  });

  it("refuses a non-JSON content type with 415", async ({ expect }) => {
    const counter = await seeded(3);
    const res = await api(`/api/counters/${counter}/increment`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "by=1",
    });
    await expectError(expect, res, 415, "unsupported_media_type");
    expect(await valueOf(counter)).toBe(3);
  });

  it("refuses a bad Idempotency-Key with 400", async ({ expect }) => {
    const counter = await seeded(3);
    for (const key of ["", "x".repeat(129), "tab\there", "ünïcode"]) {
      const res = await api(`/api/counters/${counter}/increment`, {
        method: "POST",
        headers: { "Idempotency-Key": key },
      });
      expect(res.status, JSON.stringify(key)).toBe(400);
      expect(await errorCode(res)).toBe("invalid_request");
    }
    expect(await valueOf(counter)).toBe(3);
  });

  it("refuses an increment past 2^53-1 with 409 out_of_range and keeps the value", async ({
    expect,
  }) => {
    const counter = await seeded(MAX_VALUE - 5);
    const res = await postJson(`/api/counters/${counter}/increment`, { by: 6 });
    await expectError(expect, res, 409, "out_of_range");
    expect(await valueOf(counter)).toBe(MAX_VALUE - 5);
    const exact = await postJson(`/api/counters/${counter}/increment`, {
      by: 5,
    });
    expect(await exact.json()).toEqual({ name: counter, value: MAX_VALUE });
  });

  it("refuses a decrement past -(2^53-1) with 409 out_of_range and keeps the value", async ({
    expect,
  }) => {
    const counter = await seeded(-MAX_VALUE);
    const res = await api(`/api/counters/${counter}/decrement`, {
      method: "POST",
    });
    await expectError(expect, res, 409, "out_of_range");
    expect(await valueOf(counter)).toBe(-MAX_VALUE);
  });

  it("does not remember an idempotency key whose request was refused", async ({
    expect,
  }) => {
    const counter = await seeded(MAX_VALUE);
    const headers = { "Idempotency-Key": "refused-once" };
    const refused = await postJson(
      `/api/counters/${counter}/increment`,
      { by: 1 },
      headers,
    );
    expect(refused.status).toBe(409);
    const retried = await postJson(
      `/api/counters/${counter}/decrement`,
      { by: 1 },
      headers,
    );
    expect(await retried.json()).toEqual({
      name: counter,
      value: MAX_VALUE - 1,
    });
  });
});
