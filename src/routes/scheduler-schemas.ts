// Request and response shapes of the scheduler routes, and the cursor the list route hands out.
import { z } from "@hono/zod-openapi";
import { cronProblem } from "../lib/cron";
import { ApiError } from "../lib/http-errors";
import { Name } from "../lib/openapi";
import {
  cleanText,
  cleanUser,
  TEXT_RULE,
  USER_RULE,
} from "../objects/chat-protocol";
import {
  MAX_BATCH,
  MAX_PAGE,
  type CreateOptions,
  type Position,
} from "../objects/scheduler";

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const AT_RULE =
  "must be epoch ms (an integer >= 0) or an ISO-8601 date-time with a time zone";

export const Params = z.object({
  scheduler: Name.openapi({ param: { name: "scheduler", in: "path" } }),
});
export const EventParams = Params.extend({
  id: Name.openapi({
    param: { name: "id", in: "path" },
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
    .transform((text) => text.trim()),
  user: z
    .string()
    .refine((user) => cleanUser(user) !== null, `must be ${USER_RULE}`)
    .transform((user) => user.trim())
    .default("scheduler"),
});
const Action = z
  .discriminatedUnion("type", [CounterIncrement, ChatPost], {
    error: (issue) =>
      issue.input === undefined
        ? "is required"
        : 'must be an object with "type": "counter.increment" or "chat.post"',
  })
  .openapi("ScheduledAction");

export const CreateBody = z
  .strictObject({
    at: z
      .union(
        [
          z.int().min(0, AT_RULE),
          z.iso.datetime({ offset: true, error: AT_RULE }),
        ],
        { error: AT_RULE },
      )
      .optional()
      .openapi({ description: "When to run; a past time runs at once" }),
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
    key: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: "A repeat returns the existing event" }),
  })
  .openapi("NewScheduledEvent");

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
  .openapi("ScheduledActionView");
export const Event = z
  .object({
    id: z.string(),
    key: z.string().optional(),
    runAt: z.int(),
    cron: z.string().optional(),
    action: ActionView,
    status: z.enum(["pending", "done", "dead"]),
    attempts: z.int(),
    lastError: z.string().optional(),
    createdAt: z.int(),
  })
  .openapi("ScheduledEvent");

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
  status: z.enum(["pending", "done", "dead"]).default("pending"),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be an integer from 1 to ${MAX_PAGE}`)
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_PAGE))
    .optional()
    .openapi({ description: `1-${MAX_PAGE}, default 50` }),
  cursor: Cursor.optional().openapi({
    description: "The `cursor` of the previous page",
  }),
});

/** The first run time of a one-shot event; undefined for cron, which the object computes. */
function firstRunAt(
  at: number | string | undefined,
  delay: number | undefined,
  cron: string | undefined,
): number | undefined {
  const given = [at, delay, cron].filter((value) => value !== undefined);
  if (given.length !== 1) {
    throw new ApiError(
      400,
      "invalid_request",
      'give exactly one of "at", "delay" or "cron"',
    );
  }
  const now = Date.now();
  if (delay !== undefined) return now + Math.round(delay * 1000);
  if (at === undefined) return undefined;
  const runAt = typeof at === "number" ? at : Date.parse(at);
  if (!Number.isSafeInteger(runAt) || runAt > now + YEAR_MS) {
    throw new ApiError(
      400,
      "invalid_request",
      'body field "at": must be at most a year from now',
    );
  }
  return runAt;
}

/** A validated create body as the object takes it; `where` prefixes an error's message. */
export function createOptions(
  { at, delay, cron, action, key }: z.infer<typeof CreateBody>,
  where = "",
): CreateOptions {
  try {
    return { runAt: firstRunAt(at, delay, cron), cron, action, key };
  } catch (error) {
    if (!(error instanceof ApiError) || !where) throw error;
    throw new ApiError(400, error.code, `${where}: ${error.message}`);
  }
}

/** Opaque to clients: base64url of the last event's runAt and id. */
export function encodeCursor({ runAt, id }: Position): string {
  return btoa(`${runAt}:${id}`)
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

function decodeCursor(cursor: string): Position | null {
  let text: string;
  try {
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return null;
  }
  const match = /^(\d{1,16}):([A-Za-z0-9_-]{1,64})$/.exec(text);
  const runAt = Number(match?.[1]);
  return match && Number.isSafeInteger(runAt) ? { runAt, id: match[2]! } : null;
}
