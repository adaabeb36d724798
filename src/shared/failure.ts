/**
 * Failures an object reports to its caller. RPC drops an error's own properties (only the message
 * and built-in type cross the boundary), so objects return these as values instead of throwing;
 * the Worker turns them into statuses at the edge (`unwrap` in http-errors.ts). Nothing here may
 * import the HTTP layer: objects load this module.
 */
export const FAILURE_CODES = [
  "out_of_range",
  "limit_exceeded",
  "conflict",
  "not_dead",
  "not_found",
  "invalid_request",
  "idempotency_key_reused",
  "name_taken",
  "forbidden",
] as const;

export type FailureCode = (typeof FAILURE_CODES)[number];
export type Failure = { failure: { code: FailureCode; message: string } };

export function fail(code: FailureCode, message: string): Failure {
  return { failure: { code, message } };
}
