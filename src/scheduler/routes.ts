import { createRoute } from "@hono/zod-openapi";
import { adminOnly } from "../http/middleware/admin-auth";
import { createRouter } from "../http/router";
import { callObject } from "../http/object-call";
import {
  adminErrors,
  commonErrors,
  documentedError,
  empty,
  json,
} from "../http/openapi";
import { eventCreation } from "./create-routes";
import { encodeCursor } from "./cursor";
import {
  EventView,
  EventPage,
  EventParams,
  ListQuery,
  Params,
} from "./schemas";

export const schedulers = createRouter()
  .route("/", eventCreation)
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
