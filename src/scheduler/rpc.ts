// The Scheduler's RPC payloads: one plain options object per method, and what each returns.
import type { Action, EventStatus, ScheduledEvent } from "./event";

export type CreateOptions = {
  /** Epoch ms; a past time runs as soon as possible. Ignored when `cron` is given. */
  runAt?: number;
  /** 5-field cron, UTC: the event runs at every occurrence and stays pending. */
  cron?: string;
  action: Action;
  /**
   * Unique per scheduler while the event exists: a repeat of the same request returns the
   * existing event; a different request under the key is refused (`idempotency_key_reused`).
   */
  key?: string;
  /**
   * What the request asked for (`requestFingerprint`), stored with a keyed event. Older Workers
   * send none: their repeats, and repeats of events stored without one, are not compared.
   */
  fingerprint?: string;
};
export type Created = { event: ScheduledEvent; created: boolean };
export type CreateManyOptions = { events: CreateOptions[] };
/** In the order given: `created[i]` is false where item i's key named an existing event. */
export type CreatedMany = { events: ScheduledEvent[]; created: boolean[] };
export type EventRef = { id: string };
export type Position = { runAt: number; id: string };
export type ListOptions = {
  status?: EventStatus;
  limit?: number;
  after?: Position;
};
export type EventPage = { events: ScheduledEvent[]; next: Position | null };
