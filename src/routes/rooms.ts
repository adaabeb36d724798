import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { adminOnly } from "../middleware/admin-auth";
import { ApiError } from "../lib/http-errors";
import type { AppEnv } from "../lib/app-env";
import { createRouter } from "../lib/router";
import { identify, withoutCredentials } from "../lib/identity";
import { callObject } from "../lib/object-call";
import { isAllowedOrigin } from "../lib/origins";
import {
  adminErrors,
  commonErrors,
  errorResponse,
  json,
  Name,
} from "../lib/openapi";
import {
  cleanText,
  cleanUser,
  MAX_PAGE,
  parseId,
  TEXT_RULE,
  USER_RULE,
} from "../objects/chat-protocol";

const Params = z.object({
  room: Name.openapi({ param: { name: "room", in: "path" } }),
});

/** Trimmed here, so the name the identity seam compares is the name the room stores. */
export const User = z
  .string()
  .openapi({ description: USER_RULE, example: "ada" })
  .transform((raw, ctx) => {
    const user = cleanUser(raw);
    if (user === null) {
      ctx.addIssue({ code: "custom", message: `must be ${USER_RULE}` });
      return z.NEVER;
    }
    return user;
  });

const Text = z
  .string()
  .refine((text) => cleanText(text) !== null, `must be ${TEXT_RULE}`)
  .openapi({ description: TEXT_RULE, example: "hello" });

const MessageId = z
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

const Limit = z
  .string()
  .regex(/^\d{1,3}$/, `must be an integer from 1 to ${MAX_PAGE}`)
  .transform(Number)
  .pipe(z.int().min(1).max(MAX_PAGE));

const LOCATION_HINTS = [
  "wnam",
  "enam",
  "sam",
  "weur",
  "eeur",
  "apac",
  "oc",
  "afr",
  "me",
] as const satisfies readonly DurableObjectLocationHint[];

const Message = z
  .object({ id: z.int(), user: z.string(), text: z.string(), at: z.int() })
  .openapi("ChatMessage");

/** For the OpenAPI document: optional in open mode (the empty entry), required in verified mode. */
const userCredential = (schemes: string[]): Record<string, string[]>[] => [
  {},
  ...schemes.map((scheme) => ({ [scheme]: [] })),
];

/** Checked before the validators, so a plain GET learns it needs an upgrade first. */
const requireUpgrade = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(
      426,
      "upgrade_required",
      "this route needs a WebSocket upgrade (Upgrade: websocket)",
      { Upgrade: "websocket" },
    );
  }
  return next();
});

export const rooms = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{room}",
      summary: "A room's open connections right now",
      request: { params: Params },
      responses: {
        200: json(
          z.object({ room: z.string(), online: z.int() }).openapi("Room"),
          "The room",
        ),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const { online } = await callObject(
        c,
        c.env.CHAT_ROOM,
        room,
        (stub) => stub.info(),
        { idempotent: true },
      );
      return c.json({ room, online }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{room}/messages",
      summary: "A page of a room's history, oldest first",
      request: {
        params: Params,
        query: z.strictObject({
          limit: Limit.optional().openapi({
            description: `1-${MAX_PAGE}, default 50`,
          }),
          before: MessageId.optional().openapi({
            description: "only messages with a smaller id",
          }),
          after: MessageId.optional().openapi({
            description:
              "the oldest messages with a larger id (catching up after a reconnect)",
          }),
        }),
      },
      responses: {
        200: json(
          z.object({ messages: z.array(Message) }).openapi("MessagePage"),
          "Without `after`: the newest `limit` (older than `before`); with `after`: the oldest `limit` newer than it",
        ),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const page = c.req.valid("query");
      const { messages } = await callObject(
        c,
        c.env.CHAT_ROOM,
        room,
        (stub) => stub.history(page),
        { idempotent: true },
      );
      return c.json({ messages }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{room}/messages",
      summary: "Post a message: stored, then broadcast to the room",
      request: {
        params: Params,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .strictObject({ user: User, text: Text })
                .openapi("NewMessage"),
            },
          },
        },
      },
      security: userCredential(["bearer"]),
      responses: {
        201: json(Message, "The stored message, as broadcast"),
        401: errorResponse(
          "Verified mode: no valid session credential for this user",
        ),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const { user: claimed, text } = c.req.valid("json");
      const { user } = await identify(c, claimed);
      const message = await callObject(
        c,
        c.env.CHAT_ROOM,
        room,
        (stub) => stub.post({ user, text }),
        { idempotent: false },
      );
      return c.json(message, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{room}",
      summary:
        "Close every socket (1001) and delete the room's storage (admin)",
      ...adminOnly,
      request: { params: Params },
      responses: {
        204: { description: "Deleted" },
        ...adminErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      await callObject(c, c.env.CHAT_ROOM, room, (stub) => stub.destroy(), {
        idempotent: true,
      });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{room}/websocket",
      summary: "Join a room over a WebSocket (see docs/chat-protocol.md)",
      middleware: [requireUpgrade] as const,
      request: {
        params: Params,
        // Not strict: browser WebSocket libraries add their own query parameters.
        query: z.object({
          user: User,
          after: MessageId.optional().openapi({
            description: "the welcome carries the messages after this id",
          }),
          location: z.enum(LOCATION_HINTS).optional().openapi({
            description:
              "where to create the room; only matters the first time the room is created",
          }),
        }),
      },
      security: userCredential(["bearer", "sessionCookie"]),
      responses: {
        101: { description: "Switching Protocols: the socket is open" },
        401: errorResponse(
          "Verified mode: no valid session credential for this user",
        ),
        403: errorResponse("Origin not allowed"),
        426: errorResponse("Not a WebSocket upgrade request"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { room } = c.req.valid("param");
      const { user: claimed, after, location } = c.req.valid("query");
      const origin = c.req.header("Origin");
      if (origin !== undefined && !isAllowedOrigin(origin, c.req.url, c.env)) {
        throw new ApiError(
          403,
          "forbidden",
          "this Origin may not open sockets here; see ALLOWED_ORIGINS",
        );
      }
      const { user } = await identify(c, claimed);
      // The object reads the verified name from the query this Worker writes, never the
      // client's, and gets no credentials. Not retried: a failed attempt may still have
      // joined, and the client reconnects anyway.
      const target = new URL(c.req.url);
      target.search = new URLSearchParams({
        user,
        ...(after === undefined ? {} : { after: String(after) }),
      }).toString();
      const upgraded = await callObject(
        c,
        c.env.CHAT_ROOM,
        room,
        (stub) =>
          stub.fetch(
            new Request(target, {
              headers: withoutCredentials(c.req.raw.headers),
            }),
          ),
        { idempotent: false, ...(location ? { locationHint: location } : {}) },
      );
      // Rebuilt: a fetched response's headers are immutable, and Hono only adds the headers it
      // prepared (X-Request-Id) to responses it builds itself. The middleware adds the rest.
      const headers = new Headers(upgraded.headers);
      headers.set("X-Request-Id", c.get("requestId"));
      return new Response(upgraded.body, {
        status: upgraded.status,
        webSocket: upgraded.webSocket,
        headers,
      });
    },
  );
