// Request and response shapes of the counter routes, plain and sharded.
import { z } from "@hono/zod-openapi";
import { IdempotencyHeaders } from "../http/openapi";
import { nameParams } from "../http/route-schemas";

export const Params = nameParams("name", "visits");

/** Optional body of increment and decrement. */
export const StepBody = z
  .strictObject({
    by: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .openapi({ description: "How much to add or subtract; default 1" }),
  })
  .openapi("Step");

/** The request of every write that steps a counter: a name, an optional key, an optional body. */
export const StepRequest = {
  params: Params,
  headers: IdempotencyHeaders,
  body: {
    required: false,
    content: {
      "application/json": { schema: StepBody, example: { by: 1 } },
    },
  },
};

export const CounterBody = z
  .object({ name: z.string(), value: z.int() })
  .openapi("Counter");
/** A counter as the routes answer with it. */
export type CounterBody = z.infer<typeof CounterBody>;

export const ShardedBody = z
  .object({
    name: z.string(),
    value: z.int(),
    shards: z.int(),
    asOf: z.int().openapi({
      description:
        "Epoch ms: every increment acknowledged before it is in value",
    }),
  })
  .openapi("ShardedCounter");
/** A sharded counter as its read answers. */
export type ShardedBody = z.infer<typeof ShardedBody>;

export const ShardedReadQuery = z.strictObject({
  consistent: z.enum(["true", "false"]).optional().openapi({
    description:
      "true: sum every shard now (one call per shard) instead of reading the aggregate",
  }),
});

export const ShardWrite = z
  .object({ name: z.string(), shard: z.int() })
  .openapi("ShardWrite");
