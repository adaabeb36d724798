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

/** An error answer in the OpenAPI document: the one error body, with what causes it. */
export const documentedError = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBody } },
});

/** The failures every route can answer with, for the OpenAPI document. */
export const commonErrors = {
  400: documentedError("Invalid name, JSON, field or parameter"),
  413: documentedError("Body over 64 KiB"),
  429: documentedError("Rate limited; see Retry-After"),
  500: documentedError("Internal error"),
  503: documentedError("Object overloaded or unavailable; see Retry-After"),
} as const;

export const adminErrors = {
  401: documentedError("Missing or wrong bearer token"),
} as const;

/** The answer to an Idempotency-Key reused for a different request. */
export const keyReusedError = {
  422: documentedError(
    "`idempotency_key_reused`: this Idempotency-Key was first used for a different request (operation or body); nothing changed",
  ),
} as const;

export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x20-\x7e]{1,128}$/, "must be 1-128 printable ASCII characters")
    .optional()
    .openapi({
      description:
        "A repeat of the same request (operation and body) within 24 h returns the first response and changes nothing; the same key with a different request is refused with 422 `idempotency_key_reused`",
    }),
});
