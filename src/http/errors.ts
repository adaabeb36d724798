import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env";
import { errorBody } from "../shared/error-body";
import type { Failure, FailureCode } from "../shared/failure";
import { logLine } from "./log";

/** An error the client caused or can act on; `onError` shapes it into the JSON envelope. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

/** The status each failure an object returns becomes, in one place. */
const FAILURE_STATUS = {
  out_of_range: 409,
  limit_exceeded: 409,
  conflict: 409,
  not_dead: 409,
  not_found: 404,
  invalid_request: 400,
  idempotency_key_reused: 422,
  name_taken: 409,
  forbidden: 403,
} as const satisfies Record<FailureCode, ContentfulStatusCode>;

export function unwrap<T>(result: T | Failure): T {
  if (typeof result === "object" && result !== null && "failure" in result) {
    const { code, message } = result.failure;
    throw new ApiError(FAILURE_STATUS[code], code, message);
  }
  return result;
}

const CODE_BY_STATUS: Partial<Record<number, string>> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  426: "upgrade_required",
  429: "rate_limited",
};

/** Every failure leaves as `{"error": {"code", "message"}}`; nothing internal leaks. */
export function onError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof ApiError) {
    return jsonError(c, error.status, error.code, error.message, error.headers);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const status = error.status;
    return jsonError(
      c,
      status,
      CODE_BY_STATUS[status] ?? "invalid_request",
      error.message,
    );
  }
  logLine("error", {
    requestId: c.get("requestId"),
    error: String(error),
    stack: error.stack,
  });
  return jsonError(
    c,
    500,
    "internal_error",
    "something went wrong; the request id identifies it in the logs",
  );
}

/** The one error body as the Worker's JSON response. */
export function jsonError(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return c.json(errorBody(code, message), status, headers);
}
