import { z } from "@hono/zod-openapi";
import type { ErrorBody as ErrorBodyShape } from "../shared/error-body";

/** Every resource name in a path: checked before any Durable Object is touched. */
export const Name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** The error envelope in the OpenAPI document, pinned to the one shape in error-body.ts. */
export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi("Error") satisfies z.ZodType<ErrorBodyShape>;

export type Header = {
  description: string;
  required?: boolean;
  schema: { type: "string" | "integer"; pattern?: string; minimum?: number };
};

/** On every response, set by the request-id middleware: the id the logs know the request by. */
export const REQUEST_ID_HEADER = {
  "X-Request-Id": {
    description:
      "The request's id in the logs: a valid incoming X-Request-Id echoed, else a generated one",
    required: true,
    schema: { type: "string", pattern: "^[\\w\\-=]{1,255}$" },
  },
} as const satisfies Record<string, Header>;

const retryAfter = {
  "Retry-After": {
    description: "Seconds to wait before retrying",
    required: true,
    schema: { type: "integer", minimum: 1 },
  },
} as const satisfies Record<string, Header>;

const wwwAuthenticate = {
  "WWW-Authenticate": {
    description: "`Bearer`: the scheme the route takes",
    required: true,
    schema: { type: "string", pattern: "^Bearer" },
  },
} as const satisfies Record<string, Header>;

/** A JSON response in the OpenAPI document. */
export const json = <T extends z.ZodType>(
  schema: T,
  description: string,
  headers: Record<string, Header> = {},
) => ({
  description,
  headers: { ...REQUEST_ID_HEADER, ...headers },
  content: { "application/json": { schema } },
});

/** A response without a body (204, 101). */
export const empty = (description: string) => ({
  description,
  headers: REQUEST_ID_HEADER,
});

/**
 * An error answer in the OpenAPI document: the one error body, with what causes it. `codes`,
 * when given, are the only `error.code` values this answer carries.
 */
export const documentedError = (
  description: string,
  codes?: readonly [string, ...string[]],
  headers: Record<string, Header> = {},
) => ({
  description,
  headers: { ...REQUEST_ID_HEADER, ...headers },
  content: {
    "application/json": {
      // The Error envelope (allOf its $ref), narrowed to the codes this answer carries.
      schema: codes
        ? ErrorBody.extend({
            error: z.object({ code: z.enum(codes), message: z.string() }),
          })
        : ErrorBody,
    },
  },
});

/** The failures every route can answer with, for the OpenAPI document. */
export const commonErrors = {
  400: documentedError(
    "Invalid name, JSON, field or parameter; unknown body fields, and unknown query parameters where the operation lists its query, are `unknown_field`",
    ["invalid_request", "invalid_name", "invalid_json", "unknown_field"],
  ),
  413: documentedError("Body over 64 KiB", ["payload_too_large"]),
  429: documentedError(
    "Rate limited",
    ["rate_limited", "too_many_connections"],
    retryAfter,
  ),
  500: documentedError("Internal error; the request id names it in the logs", [
    "internal_error",
  ]),
  503: documentedError(
    "Object overloaded or unavailable, or user identity not configured",
    ["overloaded", "unavailable"],
    retryAfter,
  ),
} as const;

/** What a route that takes a JSON body also answers. */
export const bodyErrors = {
  415: documentedError("The body is not `application/json`", [
    "unsupported_media_type",
  ]),
} as const;

/** A 401 answer: `WWW-Authenticate` says which credential to send. */
export const unauthorizedError = (description: string) => ({
  401: documentedError(description, ["unauthorized"], wwwAuthenticate),
});

export const adminErrors = unauthorizedError(
  "Missing or wrong bearer token (admin route)",
);

/** Operations anyone may call: an explicit empty requirement, so tools send no credential. */
export const PUBLIC = { security: [] as Record<string, string[]>[] };

/** The answer to an Idempotency-Key reused for a different request. */
export const keyReusedError = {
  422: documentedError(
    "This Idempotency-Key (or scheduler key) was first used for a different request (operation or body); nothing changed",
    ["idempotency_key_reused"],
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
      example: "order-7f3c2a",
    }),
});
