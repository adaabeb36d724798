import { createRoute, z } from "@hono/zod-openapi";
import { adminOnly } from "../middleware/admin-auth";
import { createRouter } from "../lib/router";
import { callObject } from "../lib/object-call";
import {
  adminErrors,
  commonErrors,
  errorResponse,
  IdempotencyHeaders,
  Name,
} from "../lib/openapi";

export const Params = z.object({
  name: Name.openapi({ param: { name: "name", in: "path" } }),
});

/** Optional body of increment and decrement. */
export const StepBody = z
  .strictObject({ by: z.int().min(1).max(1_000_000).optional() })
  .openapi("Step");

const CounterBody = z
  .object({ name: z.string(), value: z.int() })
  .openapi("Counter");

const stepRoute = (direction: "increment" | "decrement") =>
  createRoute({
    method: "post",
    path: `/{name}/${direction}`,
    summary: `${direction[0]!.toUpperCase()}${direction.slice(1)} a counter`,
    request: {
      params: Params,
      headers: IdempotencyHeaders,
      body: {
        required: false,
        content: { "application/json": { schema: StepBody } },
      },
    },
    responses: {
      200: {
        description: "The new value",
        content: { "application/json": { schema: CounterBody } },
      },
      409: errorResponse("The result would leave ±(2^53−1); nothing changed"),
      ...commonErrors,
    },
  });

export const counters = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{name}",
      summary: "Read a counter (0 if never written)",
      request: { params: Params },
      responses: {
        200: {
          description: "The value",
          content: { "application/json": { schema: CounterBody } },
        },
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
      summary: "Delete a counter's storage (admin)",
      ...adminOnly,
      request: { params: Params },
      responses: {
        204: { description: "Deleted" },
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
  );

for (const direction of ["increment", "decrement"] as const) {
  counters.openapi(stepRoute(direction), async (c) => {
    const { name } = c.req.valid("param");
    const { by } = c.req.valid("json");
    const idempotencyKey = c.req.valid("header")["idempotency-key"];
    const { value } = await callObject(
      c,
      c.env.COUNTER,
      name,
      (stub) => stub[direction]({ by, idempotencyKey }),
      // Without a key a retried write could apply twice.
      { idempotent: idempotencyKey !== undefined },
    );
    return c.json({ name, value }, 200);
  });
}
