import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { adminOnly } from "../http/middleware/admin-auth";
import type { AppEnv } from "../http/app-env";
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
  PUBLIC,
} from "../http/openapi";
import type { Counter, StepOptions } from "./counter";
import { CounterBody, Params, StepRequest } from "./schemas";

const stepResponses = {
  200: json(CounterBody, "The new value"),
  409: documentedError("The result would leave ±(2^53−1); nothing changed", [
    "out_of_range",
  ]),
  ...keyReusedError,
  ...bodyErrors,
  ...commonErrors,
};

export const counters = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{name}",
      operationId: "getCounter",
      summary: "Read a counter (0 if never written)",
      ...PUBLIC,
      request: { params: Params },
      responses: {
        200: json(CounterBody, "The value"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const { value } = await callObject(
        c,
        c.env.COUNTER,
        name,
        (stub) => stub.get(),
        { idempotent: true },
      );
      return c.json({ name, value }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{name}",
      operationId: "deleteCounter",
      summary: "Delete a counter's storage (admin)",
      ...adminOnly,
      request: { params: Params },
      responses: {
        204: empty("Deleted"),
        ...adminErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      await callObject(c, c.env.COUNTER, name, (stub) => stub.destroy(), {
        idempotent: true,
      });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{name}/increment",
      operationId: "incrementCounter",
      summary: "Increment a counter",
      ...PUBLIC,
      request: StepRequest,
      responses: stepResponses,
    }),
    step((stub, options) => stub.increment(options)),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{name}/decrement",
      operationId: "decrementCounter",
      summary: "Decrement a counter",
      ...PUBLIC,
      request: StepRequest,
      responses: stepResponses,
    }),
    step((stub, options) => stub.decrement(options)),
  );

type StepRoute = {
  method: "post";
  security: Record<string, string[]>[];
  path: string;
  request: typeof StepRequest;
  responses: typeof stepResponses;
};

/** Increment and decrement differ only in the method they call. */
function step(
  move: (
    stub: DurableObjectStub<Counter>,
    options: StepOptions,
  ) => ReturnType<DurableObjectStub<Counter>["increment"]>,
): RouteHandler<StepRoute, AppEnv> {
  return async (c) => {
    const { name } = c.req.valid("param");
    const { by } = c.req.valid("json");
    const idempotencyKey = c.req.valid("header")["idempotency-key"];
    const { value } = await callObject(
      c,
      c.env.COUNTER,
      name,
      (stub) => move(stub, { by, idempotencyKey }),
      // Without a key a retried write could apply twice.
      { idempotent: idempotencyKey !== undefined },
    );
    return c.json({ name, value }, 200);
  };
}
