// What one scheduler holds and does per alarm: the object enforces them, the routes document them.

/** Events one alarm invocation runs; more due ones get an alarm right after it. */
export const BATCH_SIZE = 50;
/** Runs of one occurrence before the event is dead. */
export const MAX_EVENT_ATTEMPTS = 8;
export const MAX_PENDING = 10_000;
/** Events one `createMany` call takes. */
export const MAX_BATCH = 100;
/** The most events one `list` page carries. */
export const MAX_EVENT_PAGE = 100;
export const DONE_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** The most finished events one alarm deletes. */
export const DONE_PRUNE_BATCH = 100;
export const MAX_ERROR_CHARS = 500;
