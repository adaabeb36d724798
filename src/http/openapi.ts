import { z } from "@hono/zod-openapi";
import type { ErrorBody as ErrorBodyShape } from "../shared/error-body";

/** Every resource name in a path: checked before any Durable Object is touched. */
export const Name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** The error envelope in the OpenAPI document, pinned to the one shape in error-body.ts. */
export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi("Error") satisfies z.ZodType<ErrorBodyShape>;

/** A JSON response in the OpenAPI document. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBody } },
});

/** The failures every route can answer with, for the OpenAPI document. */
export const commonErrors = {
  400: errorResponse("Invalid name, JSON, field or parameter"),
  413: errorResponse("Body over 64 KiB"),
  429: errorResponse("Rate limited; see Retry-After"),
  500: errorResponse("Internal error"),
  503: errorResponse("Object overloaded or unavailable; see Retry-After"),
} as const;

export const adminErrors = {
  401: errorResponse("Missing or wrong bearer token"),
} as const;

export { errorResponse };

export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x20-\x7e]{1,128}$/, "must be 1-128 printable ASCII characters")
    .optional()
    .openapi({
      description:
        "Repeats within 24 h return the first response and change nothing",
    }),
});
