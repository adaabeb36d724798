import { createRoute, z } from "@hono/zod-openapi";
import { adminOnly } from "../http/middleware/admin-auth";
import { createRouter } from "../http/router";
import { identify } from "../identity/identity";
import { callObject } from "../http/object-call";
import {
  adminErrors,
  bodyErrors,
  commonErrors,
  empty,
  json,
  PUBLIC,
  unauthorizedError,
} from "../http/openapi";
import {
  HistoryQuery,
  Message,
  NewMessage,
  Params,
  userCredential,
} from "./schemas";
import { roomWebSocket } from "./websocket-route";

export const rooms = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{room}",
      operationId: "getRoom",
      summary: "A room's open connections right now",
      ...PUBLIC,
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
      operationId: "listMessages",
      summary: "A page of a room's history, oldest first",
      ...PUBLIC,
      request: {
        params: Params,
        query: HistoryQuery,
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
      operationId: "postMessage",
      summary: "Post a message: stored, then broadcast to the room",
      request: {
        params: Params,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: NewMessage,
              example: { user: "ada", text: "hello" },
            },
          },
        },
      },
      security: userCredential(["bearer"]),
      responses: {
        201: json(Message, "The stored message, as broadcast"),
        ...unauthorizedError(
          "Verified mode: no valid session credential for this user",
        ),
        ...bodyErrors,
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
      operationId: "deleteRoom",
      ...adminOnly,
      request: { params: Params },
      responses: {
        204: empty("Deleted"),
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
  .route("/", roomWebSocket);
