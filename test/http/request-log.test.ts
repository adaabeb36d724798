import { afterEach, beforeEach, describe, it } from "vitest";
import { api, postJson, uniqueName } from "../helpers/http";
import { recordLogs } from "../helpers/logs";

let logs: ReturnType<typeof recordLogs>;
beforeEach(() => {
  logs = recordLogs();
});
afterEach(() => logs.restore());

const requestLine = (res: Response) =>
  logs
    .forRequest(res.headers.get("X-Request-Id"))
    .find((line) => line.event === "request");

describe("the request log line", () => {
  it("names the route a request was for, also when it was refused", async ({
    expect,
  }) => {
    const scheduler = uniqueName("log");
    const cases: [Response, number, string][] = [
      [
        await postJson(`/api/schedulers/${scheduler}/events/batch`, {
          events: "not a list",
        }),
        401,
        "/api/schedulers/:scheduler/events/batch",
      ],
      [
        await api(`/api/schedulers/${scheduler}/events/batch`, {
          method: "PUT",
        }),
        405,
        "/api/schedulers/:scheduler/events/batch",
      ],
      [
        await postJson(`/api/counters/${uniqueName("log")}/increment`, "{"),
        400,
        "/api/counters/:name/increment",
      ],
      [
        await api(`/api/counters/${uniqueName("log")}`, { method: "PUT" }),
        405,
        "/api/counters/:name",
      ],
      [
        await api(`/api/counters/${uniqueName("log")}`),
        200,
        "/api/counters/:name",
      ],
    ];
    for (const [res, status, route] of cases) {
      expect(res.status).toBe(status);
      expect(requestLine(res)).toMatchObject({ status, route });
    }
  });
});
