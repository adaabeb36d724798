import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";
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
  PUBLIC,
} from "../http/openapi";
import { pickShard, shardCount, shardName } from "./shards";
import {
  Params,
  ShardedBody,
  ShardedReadQuery,
  ShardWrite,
  StepRequest,
} from "./schemas";

export const shardedCounters = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{name}",
      operationId: "getShardedCounter",
      ...PUBLIC,
      summary:
        "Read a sharded counter from its aggregate (one object; asOf trails writes by at most 3 s), or with consistent=true the sum of every shard",
      request: { params: Params, query: ShardedReadQuery },
      responses: {
        200: json(ShardedBody, "The sum, and the moment it is complete for"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const { consistent } = c.req.valid("query");
      const shards = shardCount(c.env);
      if (consistent !== "true") {
        const read = await callObject(
          c,
          c.env.COUNTER_AGGREGATE,
          name,
          (stub) => stub.read({ shards }),
          { idempotent: true },
        );
        // Null until the aggregate's first sweep has heard from every shard (a counter never
        // written, or written in the last few seconds): then the exact sum, asked of each.
        if (read) return c.json({ name, shards, ...read }, 200);
      }
      return c.json(await sumShards(c, name, shards), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{name}/increment",
      operationId: "incrementShardedCounter",
      summary: "Increment one shard of a sharded counter",
      ...PUBLIC,
      request: StepRequest,
      responses: {
        200: json(ShardWrite, "The shard written"),
        409: documentedError(
          "The shard would leave ±(2^53−1); nothing changed",
          ["out_of_range"],
        ),
        ...keyReusedError,
        ...bodyErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const { by } = c.req.valid("json");
      const idempotencyKey = c.req.valid("header")["idempotency-key"];
      const shard = pickShard(shardCount(c.env), idempotencyKey);
      await callObject(
        c,
        c.env.COUNTER,
        shardName(name, shard),
        (stub) =>
          stub.increment({
            by,
            idempotencyKey,
            shard: { counter: name, index: shard },
          }),
        {
          idempotent: idempotencyKey !== undefined,
        },
      );
      return c.json({ name, shard }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{name}",
      operationId: "deleteShardedCounter",
      summary:
        "Delete every shard of a sharded counter and its aggregate (admin)",
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
      const shards = shardCount(c.env);
      await Promise.all(
        Array.from({ length: shards }, (_, index) =>
          callObject(
            c,
            c.env.COUNTER,
            shardName(name, index),
            (stub) => stub.destroy(),
            { idempotent: true },
          ),
        ),
      );
      // Last: a report still on its way from a shard lands before this, or makes an aggregate
      // whose first sweep finds every shard empty and deletes it again.
      await callObject(
        c,
        c.env.COUNTER_AGGREGATE,
        name,
        (stub) => stub.destroy(),
        { idempotent: true },
      );
      return c.body(null, 204);
    },
  );

/** The exact sum: every shard, in parallel. Complete for every increment acknowledged before the call. */
async function sumShards(
  c: Context<AppEnv>,
  name: string,
  shards: number,
): Promise<ShardedBody> {
  const asOf = Date.now();
  const values = await Promise.all(
    Array.from({ length: shards }, (_, index) =>
      callObject(
        c,
        c.env.COUNTER,
        shardName(name, index),
        (stub) => stub.get(),
        { idempotent: true },
      ),
    ),
  );
  const value = values.reduce((sum, shard) => sum + shard.value, 0);
  return { name, value, shards, asOf };
}
