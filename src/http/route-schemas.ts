// Request shapes more than one router takes: a named resource in the path, a page size.
import { z } from "@hono/zod-openapi";
import { Name } from "./openapi";

/** The path parameters of a route under `/{key}`: one resource name, with an example. */
export const nameParams = <const Key extends string>(
  key: Key,
  example: string,
) =>
  z.object({
    [key]: Name.openapi({ param: { name: key, in: "path", example } }),
  } as Record<Key, typeof Name>);

/**
 * The `limit` of a paged list: digits in the query string, 1 to `max`. The document states the
 * integer and its range as the server checks it, which a regex on the digits could not.
 */
export const pageLimit = (max: number) =>
  z
    .string()
    .regex(/^\d{1,3}$/, `must be an integer from 1 to ${max}`)
    .transform(Number)
    .pipe(z.int().min(1).max(max))
    .optional()
    .openapi({
      type: "integer",
      minimum: 1,
      maximum: max,
      default: 50,
      description: `1-${max}, default 50`,
      example: 20,
    });
