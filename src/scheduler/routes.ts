import { createRoute, type z } from "@hono/zod-openapi";
import { ApiError } from "../http/errors";
import { adminOnly } from "../http/middleware/admin-auth";
import { createRouter } from "../http/router";
import { callObject } from "../http/object-call";
import {
  adminErrors,
  bodyErrors,
  commonErrors,
  documentedError,
  empty,
  json,
  keyReusedError,
} from "../http/openapi";
import { encodeCursor } from "./cursor";
import { requestedRunAt } from "./run-time";
import { requestFingerprint } from "./fingerprint";
import type { CreateOptions } from "./rpc";
import {
  BATCH_EXAMPLE,
  BatchBody,
  CREATE_EXAMPLE,
  CreateBody,
  EventView,
  EventBatch,
  EventPage,
  EventParams,
  ListQuery,
  Params,
} from "./schemas";

export const schedulers = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/{scheduler}/events",
      operationId: "createScheduledEvent",
      summary: "Schedule an event (admin)",
      ...adminOnly,
      request: {
        params: Params,
        body: {
          required: true,
          content: {
            "application/json": { schema: CreateBody, example: CREATE_EXAMPLE },
          },
        },
      },
      responses: {
        201: json(EventView, "Scheduled"),
        200: json(
          EventView,
          "An event with this key, created by the same request, already exists",
        ),
        409: documentedError(
          "The scheduler already holds 10 000 pending events",
          ["limit_exceeded"],
        ),
        ...keyReusedError,
        ...bodyErrors,
        ...adminErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { scheduler } = c.req.valid("param");
      const options = createOptions(c.req.valid("json"), Date.now());
      const { event, created } = await callObject(
        c,
        c.env.SCHEDULER,
        scheduler,
        (stub) => stub.create(options),
        { idempotent: options.key !== undefined },
      );
      return created ? c.json(event, 201) : c.json(event, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{scheduler}/events/batch",
      operationId: "createScheduledEvents",
      summary: "Schedule up to 100 events at once, all or nothing (admin)",
      ...adminOnly,
      request: {
        params: Params,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: BatchBody,
              example: BATCH_EXAMPLE,
            },
          },
        },
      },
      responses: {
        200: json(EventBatch, "Every item stored, or found by its key"),
        409: documentedError(
          "The batch would take the scheduler past 10 000 pending events; nothing stored",
          ["limit_exceeded"],
        ),
        ...keyReusedError,
        ...bodyErrors,
        ...adminErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { scheduler } = c.req.valid("param");
      const now = Date.now();
      const events = c.req
        .valid("json")
        .events.map((item, i) => createOptions(item, now, `events[${i}]`));
      const result = await callObject(
        c,
        c.env.SCHEDULER,
        scheduler,
        (stub) => stub.createMany({ events }),
        // Safe to repeat only when every item carries a key.
        { idempotent: events.every((item) => item.key !== undefined) },
      );
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{scheduler}/events",
      operationId: "listScheduledEvents",
      summary: "List events of one status, ordered by runAt (admin)",
      ...adminOnly,
      request: { params: Params, query: ListQuery },
      responses: {
        200: json(EventPage, "One page; `cursor` is null on the last one"),
        ...adminErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { scheduler } = c.req.valid("param");
      const { status, limit, cursor } = c.req.valid("query");
      const page = await callObject(
        c,
        c.env.SCHEDULER,
        scheduler,
        (stub) => stub.list({ status, limit, after: cursor }),
        { idempotent: true },
      );
      return c.json(
        { events: page.events, cursor: page.next && encodeCursor(page.next) },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{scheduler}/events/{id}",
      operationId: "getScheduledEvent",
      summary: "Read one event (admin)",
      ...adminOnly,
      request: { params: EventParams },
      responses: {
        200: json(EventView, "The event"),
        404: documentedError("No such event", ["not_found"]),
        ...adminErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { scheduler, id } = c.req.valid("param");
      const event = await callObject(
        c,
        c.env.SCHEDULER,
        scheduler,
        (stub) => stub.get({ id }),
        { idempotent: true },
      );
      return c.json(event, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{scheduler}/events/{id}",
      operationId: "cancelScheduledEvent",
      summary: "Cancel (delete) an event (admin)",
      ...adminOnly,
      request: { params: EventParams },
      responses: {
        204: empty("Cancelled"),
        404: documentedError("No such event", ["not_found"]),
        ...adminErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { scheduler, id } = c.req.valid("param");
      await callObject(
        c,
        c.env.SCHEDULER,
        scheduler,
        (stub) => stub.cancel({ id }),
        { idempotent: false },
      );
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{scheduler}/events/{id}/retry",
      operationId: "retryScheduledEvent",
      summary: "Move a dead event back to pending, due now (admin)",
      ...adminOnly,
      request: { params: EventParams },
      responses: {
        200: json(EventView, "The revived event"),
        404: documentedError("No such event", ["not_found"]),
        409: documentedError(
          "The event is not dead, or the pending limit is reached",
          ["not_dead", "limit_exceeded"],
        ),
        ...adminErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { scheduler, id } = c.req.valid("param");
      const event = await callObject(
        c,
        c.env.SCHEDULER,
        scheduler,
        (stub) => stub.retry({ id }),
        { idempotent: false },
      );
      return c.json(event, 200);
    },
  );

/** A validated create body as the object takes it; `where` prefixes an error's message. */
function createOptions(
  { at, delay, cron, action, key }: z.infer<typeof CreateBody>,
  nowMs: number,
  where?: string,
): CreateOptions {
  const when = requestedRunAt({ at, delay, cron }, nowMs);
  if ("problem" in when) {
    const message = where ? `${where}: ${when.problem}` : when.problem;
    throw new ApiError(400, "invalid_request", message);
  }
  return {
    runAt: when.runAt,
    cron,
    action,
    key,
    fingerprint: requestFingerprint({ at, delay, cron }, action),
  };
}
