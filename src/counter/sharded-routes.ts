import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../http/router";
import { callObject } from "../http/object-call";
import {
  bodyErrors,
  commonErrors,
  documentedError,
  json,
  keyReusedError,
  PUBLIC,
} from "../http/openapi";
import { pickShard, shardCount, shardName } from "./shards";
import { Params, ShardedBody, ShardWrite, StepRequest } from "./schemas";

export const shardedCounters = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{name}",
      operationId: "getShardedCounter",
      ...PUBLIC,
      summary:
        "Read a sharded counter: the sum over every shard, read in parallel",
      request: { params: Params },
      responses: {
        200: json(ShardedBody, "The sum"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      const shards = shardCount(c.env);
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
      return c.json({ name, value, shards }, 200);
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
        (stub) => stub.increment({ by, idempotencyKey }),
        {
          idempotent: idempotencyKey !== undefined,
        },
      );
      return c.json({ name, shard }, 200);
    },
  );
