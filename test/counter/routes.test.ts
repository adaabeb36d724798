import { describe, it } from "vitest";
import { api, asAdmin, postJson, uniqueName } from "../helpers/http";

const name = () => uniqueName("counter");

describe("counter routes", () => {
  it("reads 0 for a counter never written", async ({ expect }) => {
    const counter = name();
    const res = await api(`/api/counters/${counter}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: counter, value: 0 });
  });

  it("increments by 1 without a body and by `by` with one", async ({
    expect,
  }) => {
    const counter = name();
    const first = await api(`/api/counters/${counter}/increment`, {
      method: "POST",
    });
    expect(await first.json()).toEqual({ name: counter, value: 1 });
    const second = await postJson(`/api/counters/${counter}/increment`, {
      by: 41,
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ name: counter, value: 42 });
  });

  it("decrements below zero", async ({ expect }) => {
    const counter = name();
    const res = await postJson(`/api/counters/${counter}/decrement`, { by: 5 });
    expect(await res.json()).toEqual({ name: counter, value: -5 });
    expect(await (await api(`/api/counters/${counter}`)).json()).toEqual({
      name: counter,
      value: -5,
    });
  });

  it("ends at exactly 200 after 200 concurrent increments", async ({
    expect,
  }) => {
    const counter = name();
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        api(`/api/counters/${counter}/increment`, { method: "POST" }),
      ),
    );
    expect(responses.every((res) => res.status === 200)).toBe(true);
    const values = await Promise.all(
      responses.map((res) => res.json<{ value: number }>()),
    );
    expect(new Set(values.map((body) => body.value)).size).toBe(200);
    expect(await (await api(`/api/counters/${counter}`)).json()).toEqual({
      name: counter,
      value: 200,
    });
  });

  it("deletes a counter's storage for an admin", async ({ expect }) => {
    const counter = name();
    await postJson(`/api/counters/${counter}/increment`, { by: 7 });
    const res = await asAdmin("DELETE", `/api/counters/${counter}`);
    expect(res.status).toBe(204);
    expect(await (await api(`/api/counters/${counter}`)).json()).toEqual({
      name: counter,
      value: 0,
    });
  });

  it("refuses a delete without the admin token and keeps the value", async ({
    expect,
  }) => {
    const counter = name();
    await postJson(`/api/counters/${counter}/increment`, { by: 7 });
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: "Bearer wrong" },
      { Authorization: "test-admin-token-of-at-least-32-chars" },
    ];
    for (const headers of attempts) {
      const res = await api(`/api/counters/${counter}`, {
        method: "DELETE",
        headers,
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
      expect(await res.json()).toMatchObject({
        error: { code: "unauthorized" },
      });
    }
    expect(await (await api(`/api/counters/${counter}`)).json()).toEqual({
      name: counter,
      value: 7,
    });
  });
});
