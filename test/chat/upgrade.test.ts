import { exports } from "cloudflare:workers";
import { beforeAll, describe, it, type ExpectStatic } from "vitest";
import { expectError } from "../helpers/http";
import {
  loadWorker,
  roomExists,
  roomName,
  upgrade,
} from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

async function expectRejected(
  expect: ExpectStatic,
  res: Response,
  status: number,
  code: string,
  room: string,
) {
  await expectError(expect, res, status, code);
  expect(await roomExists(room)).toBe(false);
}

/** A kind of bad upgrade: its status and code, and the requests (a query, an Origin) with it. */
type Rejection = {
  what: string;
  status: number;
  code: string;
  requests: { query: string; headers?: Record<string, string> }[];
};

describe("the WebSocket upgrade route", () => {
  it("answers 426 without Upgrade: websocket, before waking the room", async ({
    expect,
  }) => {
    const room = roomName();
    const res = await exports.default.fetch(
      `https://example.com/api/rooms/${room}/websocket?user=ada`,
    );
    expect(res.headers.get("Upgrade")).toBe("websocket");
    await expectRejected(expect, res, 426, "upgrade_required", room);
  });

  it.for<Rejection>([
    {
      what: "a bad user",
      status: 400,
      code: "invalid_request",
      requests: [
        "",
        "?user=",
        "?user=%20%20%20",
        `?user=${"x".repeat(33)}`,
        "?user=a%07b",
        "?user=a%0Ab",
      ].map((query) => ({ query })),
    },
    {
      what: "a foreign Origin",
      status: 403,
      code: "forbidden",
      requests: ["https://evil.example", "null", "http://example.com"].map(
        (origin) => ({ query: "?user=ada", headers: { Origin: origin } }),
      ),
    },
    {
      what: "a bad location or after",
      status: 400,
      code: "invalid_request",
      requests: [
        "location=mars",
        "location=WEUR",
        "after=abc",
        "after=-1",
        "after=1.5",
        "after=",
      ].map((query) => ({ query: `?user=ada&${query}` })),
    },
  ])(
    "rejects $what with $status, before waking the room",
    async ({ status, code, requests }, { expect }) => {
      const room = roomName();
      for (const { query, headers } of requests) {
        const res = await upgrade(
          `/api/rooms/${room}/websocket${query}`,
          headers,
        );
        await expectRejected(expect, res, status, code, room);
      }
    },
  );

  it("rejects a bad room name with invalid_name", async ({ expect }) => {
    const res = await upgrade("/api/rooms/bad.name/websocket?user=ada");
    await expectError(expect, res, 400, "invalid_name");
  });

  it("opens a socket from the Worker's own origin, from no origin, and with a location hint", async ({
    expect,
  }) => {
    for (const [headers, query] of [
      [{ Origin: "https://example.com" }, ""],
      [{}, "&location=weur"],
      [{}, "&after=0"],
    ] as const) {
      const room = roomName();
      const res = await upgrade(
        `/api/rooms/${room}/websocket?user=ada${query}`,
        headers,
      );
      expect(res.status).toBe(101);
      expect(res.webSocket).not.toBeNull();
      res.webSocket!.accept();
      res.webSocket!.close(1000);
      expect(await roomExists(room)).toBe(true);
    }
  });

  it("is in the OpenAPI document and answers other methods with 405", async ({
    expect,
  }) => {
    const doc = await (
      await exports.default.fetch("https://example.com/api/openapi.json")
    ).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(doc.paths["/api/rooms/{room}/websocket"]!)).toEqual([
      "get",
    ]);
    const res = await exports.default.fetch(
      `https://example.com/api/rooms/${roomName()}/websocket?user=ada`,
      { method: "POST" },
    );
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toContain("GET");
  });
});
