// The failures a scheduler returns as values (src/shared/failure.ts), by what went wrong.
import { fail, type Failure } from "../shared/failure";
import { MAX_PENDING } from "./limits";

export function atIndex({ failure }: Failure, index: number): Failure {
  return fail(failure.code, `events[${index}]: ${failure.message}`);
}

/** Thrown inside the batch transaction to roll it back, carrying the item's failure out. */
export class RolledBack extends Error {
  readonly failure: Failure;

  constructor(failure: Failure) {
    super(failure.failure.message);
    this.failure = failure;
  }
}

export function notFound(id: string): Failure {
  return fail("not_found", `no event ${id} in this scheduler`);
}

export function tooMany(): Failure {
  return fail(
    "limit_exceeded",
    `a scheduler holds at most ${MAX_PENDING} pending events; cancel some or let them run`,
  );
}

export function keyReused(key: string, id: string): Failure {
  return fail(
    "idempotency_key_reused",
    `key "${key}" names event ${id}, created by a different request; a repeat must send the same body (use a new key, or cancel that event first)`,
  );
}
