// Request and response shapes of the room routes, HTTP and WebSocket.
import { z } from "@hono/zod-openapi";
import { User } from "../identity/schemas";
import { MAX_HISTORY_PAGE, parseId, type ChatMessage } from "./protocol";
import { cleanText, TEXT_RULE, TEXT_SCHEMA } from "./text-rule";
import { nameParams, pageLimit } from "../http/route-schemas";

export const Params = nameParams("room", "lobby");

const Text = z
  .string()
  .refine((text) => cleanText(text) !== null, `must be ${TEXT_RULE}`)
  .openapi({ description: TEXT_RULE, example: "hello", ...TEXT_SCHEMA });

export const MessageId = z
  .string()
  .openapi({ pattern: "^\\d{1,16}$", example: "42" })
  .transform((raw, ctx) => {
    const id = parseId(raw);
    if (id === null) {
      ctx.addIssue({
        code: "custom",
        message: "must be a non-negative integer id",
      });
      return z.NEVER;
    }
    return id;
  });

export const HistoryQuery = z.strictObject({
  limit: pageLimit(MAX_HISTORY_PAGE),
  before: MessageId.optional().openapi({
    description: "only messages with a smaller id",
  }),
  after: MessageId.optional().openapi({
    description:
      "the oldest messages with a larger id (catching up after a reconnect)",
  }),
});

export const Message = z
  .object({ id: z.int(), user: z.string(), text: z.string(), at: z.int() })
  .openapi("ChatMessage") satisfies z.ZodType<ChatMessage>;

export const NewMessage = z
  .strictObject({ user: User, text: Text })
  .openapi("NewMessage");

/** For the OpenAPI document: optional in open mode (the empty entry), required in verified mode. */
export const userCredential = (
  schemes: string[],
): Record<string, string[]>[] => [
  {},
  ...schemes.map((scheme) => ({ [scheme]: [] })),
];
