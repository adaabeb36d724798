import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

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

/**
 * Failures an object reports to its caller. RPC drops an error's own properties (only the message
 * and built-in type cross the boundary), so objects return these as values instead of throwing,
 * and `unwrap` turns them into statuses here, in one place.
 */
const FAILURE_STATUS = {
  out_of_range: 409,
  limit_exceeded: 409,
  conflict: 409,
  not_dead: 409,
  not_found: 404,
  invalid_request: 400,
} as const satisfies Record<string, ContentfulStatusCode>;

export type FailureCode = keyof typeof FAILURE_STATUS;
export type Failure = { failure: { code: FailureCode; message: string } };

export function fail(code: FailureCode, message: string): Failure {
  return { failure: { code, message } };
}

export function unwrap<T>(result: T | Failure): T {
  if (typeof result === "object" && result !== null && "failure" in result) {
    const { code, message } = result.failure;
    throw new ApiError(FAILURE_STATUS[code], code, message);
  }
  return result;
}
