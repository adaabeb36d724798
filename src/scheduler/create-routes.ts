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
  json,
  keyReusedError,
} from "../http/openapi";
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
  Params,
} from "./schemas";

/** What a create answers, one or a batch, besides its own 409. */
const createErrors = {
  ...keyReusedError,
  ...bodyErrors,
  ...adminErrors,
  ...commonErrors,
};

/** Scheduling events, one or a batch: each request's time becomes the object's `CreateOptions` here. */
export const eventCreation = createRouter()
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
        ...createErrors,
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
        ...createErrors,
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
