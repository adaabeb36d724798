// Request and response shapes of the scheduler routes; each copy of an object type is pinned to it.
import { z } from "@hono/zod-openapi";
import { cronProblem } from "./cron";
import { Name } from "../http/openapi";
import { cleanText, TEXT_RULE, TEXT_SCHEMA } from "../chat/text-rule";
import { cleanUser, USER_RULE, USER_SCHEMA } from "../identity/user-name";
import {
  EVENT_STATUSES,
  type Action as ActionType,
  type ScheduledEvent,
} from "./event";
import { MAX_BATCH, MAX_EVENT_PAGE } from "./limits";
import { decodeCursor } from "./cursor";
import { YEAR_MS } from "./run-time";
import { nameParams, pageLimit } from "../http/route-schemas";

const AT_RULE =
  "must be epoch ms (an integer >= 0) or an ISO-8601 date-time with a time zone";

export const Params = nameParams("scheduler", "jobs");
export const EventParams = Params.extend({
  id: Name.openapi({
    param: {
      name: "id",
      in: "path",
      example: "0b7e6a4c-3f1d-4c2e-9a51-8d2f6e4b1c90",
    },
    description: "The event id, a UUID",
  }),
});

const CounterIncrement = z.strictObject({
  type: z.literal("counter.increment"),
  counter: Name,
  by: z.int().min(1).max(1_000_000).default(1),
});
const ChatPost = z.strictObject({
  type: z.literal("chat.post"),
  room: Name,
  text: z
    .string()
    .refine((text) => cleanText(text) !== null, `must be ${TEXT_RULE}`)
    .transform((text) => text.trim())
    .openapi({ description: TEXT_RULE, ...TEXT_SCHEMA }),
  user: z
    .string()
    .refine((user) => cleanUser(user) !== null, `must be ${USER_RULE}`)
    // Stored in its display form, as the room would store it.
    .transform((user) => cleanUser(user) ?? user)
    .default("scheduler")
    .openapi({ description: USER_RULE, ...USER_SCHEMA }),
});
const Action = z
  .discriminatedUnion("type", [CounterIncrement, ChatPost], {
    error: (issue) =>
      issue.input === undefined
        ? "is required"
        : 'must be an object with "type": "counter.increment" or "chat.post"',
  })
  .openapi("ScheduledAction") satisfies z.ZodType<ActionType>;

export const CreateBody = z
  .strictObject({
    at: z
      .union(
        [
          z.int().min(0, AT_RULE).openapi({
            // Resolved to `maximum` (now + a year) each time the document is served.
            "x-maximum-from-now-ms": YEAR_MS,
          }),
          z.iso.datetime({ offset: true, error: AT_RULE }),
        ],
        { error: AT_RULE },
      )
      .optional()
      .openapi({
        description:
          "When to run: epoch ms or an ISO-8601 date-time, at most a year ahead; a past time runs at once",
      }),
    delay: z
      .number()
      .positive()
      .max(YEAR_MS / 1000)
      .optional()
      .openapi({ description: "Seconds from now, up to a year" }),
    cron: z
      .string()
      .max(200)
      .superRefine((cron, ctx) => {
        const problem = cronProblem(cron, Date.now());
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .openapi({
        description: "5-field cron expression, UTC",
        example: "*/5 * * * *",
      }),
    action: Action,
    key: z.string().min(1).max(128).optional().openapi({
      description:
        "Unique while its event exists. The same body again returns the existing event (200); a different body under a held key is 422 `idempotency_key_reused`",
    }),
  })
  .openapi("NewScheduledEvent", {
    // Exactly one of the three, as the route checks (requestedRunAt in run-time.ts).
    oneOf: [
      { required: ["at"] },
      { required: ["delay"] },
      { required: ["cron"] },
    ],
  });

export const CREATE_EXAMPLE = {
  delay: 60,
  action: { type: "chat.post", room: "lobby", text: "stand-up in 5 minutes" },
  key: "standup-reminder",
};

export const BATCH_EXAMPLE = {
  events: [
    CREATE_EXAMPLE,
    {
      cron: "0 9 * * 1-5",
      action: { type: "counter.increment", counter: "workdays" },
    },
  ],
};

export const BatchBody = z
  .strictObject({
    events: z
      .array(CreateBody)
      .min(1, `must hold 1-${MAX_BATCH} events`)
      .max(MAX_BATCH, `must hold 1-${MAX_BATCH} events`),
  })
  .openapi("NewScheduledEventBatch");

const ActionView = z
  .union([
    z.object({
      type: z.literal("counter.increment"),
      counter: z.string(),
      by: z.int(),
    }),
    z.object({
      type: z.literal("chat.post"),
      room: z.string(),
      text: z.string(),
      user: z.string(),
    }),
  ])
  .openapi("ScheduledActionView") satisfies z.ZodType<ActionType>;
export const EventView = z
  .object({
    id: z.string(),
    key: z.string().optional(),
    runAt: z.int(),
    cron: z.string().optional(),
    action: ActionView,
    status: z.enum(EVENT_STATUSES),
    attempts: z.int(),
    lastError: z.string().optional(),
    createdAt: z.int(),
  })
  .openapi("ScheduledEvent") satisfies z.ZodType<ScheduledEvent>;

export const EventBatch = z
  .object({
    events: z.array(EventView),
    created: z.array(z.boolean()).openapi({
      description:
        "Per item, in order: false where its key named an existing event",
    }),
  })
  .openapi("ScheduledEventBatch");

export const EventPage = z
  .object({ events: z.array(EventView), cursor: z.string().nullable() })
  .openapi("ScheduledEventPage");

const Cursor = z
  .string()
  .max(200)
  .transform((cursor, ctx) => {
    const position = decodeCursor(cursor);
    if (position) return position;
    ctx.addIssue({ code: "custom", message: "not a cursor this API returned" });
    return z.NEVER;
  });

export const ListQuery = z.strictObject({
  status: z.enum(EVENT_STATUSES).default("pending"),
  limit: pageLimit(MAX_EVENT_PAGE),
  cursor: Cursor.optional().openapi({
    description: "The `cursor` of the previous page",
  }),
});
