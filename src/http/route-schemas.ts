// Request shapes more than one router takes: a named resource in the path, a page size.
import { z } from "@hono/zod-openapi";
import { Name } from "./openapi";

/** The path parameters of a route under `/{key}`: one resource name. */
export const nameParams = <const Key extends string>(key: Key) =>
  z.object({
    [key]: Name.openapi({ param: { name: key, in: "path" } }),
  } as Record<Key, typeof Name>);

/** The `limit` of a paged list: digits in the query string, 1 to `max`. */
export const pageLimit = (max: number) =>
  z
    .string()
    .regex(/^\d{1,3}$/, `must be an integer from 1 to ${max}`)
    .transform(Number)
    .pipe(z.int().min(1).max(max))
    .optional()
    .openapi({ description: `1-${max}, default 50` });
