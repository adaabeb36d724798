// A scheduled event as the API shows it: the wire shape the routes answer with, the store keeps,
// and the page and the tests read (with `import type`). Plain types, no runtime imports.

export type CounterIncrement = {
  type: "counter.increment";
  counter: string;
  by: number;
};
export type ChatPost = {
  type: "chat.post";
  room: string;
  text: string;
  user: string;
};
export type Action = CounterIncrement | ChatPost;

export const EVENT_STATUSES = ["pending", "done", "dead"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** An event as the API shows it; times are epoch ms. */
export type ScheduledEvent = {
  id: string;
  key?: string;
  runAt: number;
  cron?: string;
  action: Action;
  status: EventStatus;
  attempts: number;
  lastError?: string;
  createdAt: number;
};
