import type { ChatPost, ScheduledEvent } from "../src/scheduler/event";
import { adminApi } from "./admin-token";
import { ApiFailure, describe, postJson } from "./api";
import { byTestId, showError } from "./dom";

const MAX_DELAY_S = 365 * 24 * 60 * 60;

/**
 * "Post this text, in N seconds, to the room joined in the chat panel." Each room has its own
 * Scheduler object, named after the room, so the list shows that room's pending messages.
 */
export function mountScheduler(panel: HTMLElement): {
  roomJoined(room: string): void;
} {
  const text = byTestId<HTMLInputElement>(panel, "schedule-text");
  const delay = byTestId<HTMLInputElement>(panel, "schedule-delay");
  const submit = byTestId<HTMLButtonElement>(panel, "schedule-submit");
  const list = byTestId(panel, "schedule-list");
  const target = panel.querySelector("[data-room]")!;
  const empty = panel.querySelector<HTMLElement>("[data-empty]")!;
  let room: string | undefined;
  let nextRefresh: ReturnType<typeof setTimeout> | undefined;
  let listFailed = false;

  const eventsPath = (name: string) =>
    `/api/schedulers/${encodeURIComponent(name)}/events`;

  /**
   * `ask: false` when a chat join triggers it: a chatter is never asked for the admin token;
   * the question comes when someone uses the scheduler itself.
   */
  async function refresh({ ask = true } = {}): Promise<void> {
    clearTimeout(nextRefresh);
    const forRoom = room;
    if (forRoom === undefined) return;
    try {
      const { events } = await adminApi<{ events: ScheduledEvent[] }>(
        `${eventsPath(forRoom)}?status=pending`,
        {},
        { ask },
      );
      if (forRoom !== room) return;
      if (listFailed) showError(panel, "");
      listFailed = false;
      list.replaceChildren(
        ...events.map((event) => eventItem(event, () => void cancel(event))),
      );
      empty.hidden = events.length > 0;
      // Look again once the earliest is due, so a message that ran leaves the list.
      const next = events[0];
      if (next)
        nextRefresh = setTimeout(
          () => void refresh(),
          Math.max(next.runAt - Date.now(), 1_000) + 500,
        );
    } catch (error) {
      if (!ask && error instanceof ApiFailure && error.status === 401) {
        // Not a failure: the list needs the admin token, asked for on the first schedule.
        empty.hidden = false;
        return;
      }
      listFailed = true;
      showError(panel, `Could not list pending messages: ${describe(error)}`);
    }
  }

  async function cancel(event: ScheduledEvent): Promise<void> {
    if (room === undefined) return;
    try {
      await adminApi(`${eventsPath(room)}/${event.id}`, { method: "DELETE" });
      showError(panel, "");
    } catch (error) {
      showError(panel, `Not cancelled: ${describe(error)}`);
    }
    await refresh();
  }

  submit.closest("form")!.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = text.value.trim();
    const seconds = Number(delay.value);
    const problem =
      room === undefined
        ? "Join a room in the chat panel first."
        : message.length < 1 || message.length > 2000
          ? "The text is 1 to 2000 characters."
          : !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_DELAY_S
            ? "The delay is a whole number of seconds, at least 1, at most a year."
            : "";
    showError(panel, problem);
    if (problem || room === undefined) return;
    submit.disabled = true;
    // The server names the poster ("scheduler") when `user` is left out.
    const action: Omit<ChatPost, "user"> = {
      type: "chat.post",
      room,
      text: message,
    };
    adminApi(eventsPath(room), postJson({ delay: seconds, action }))
      .then(() => {
        text.value = "";
        return refresh();
      })
      .catch((error) => showError(panel, `Not scheduled: ${describe(error)}`))
      .finally(() => (submit.disabled = false));
  });

  return {
    roomJoined(name) {
      room = name;
      target.textContent = name;
      submit.disabled = false;
      list.replaceChildren();
      showError(panel, "");
      void refresh({ ask: false });
    },
  };
}

function eventItem(event: ScheduledEvent, cancel: () => void): HTMLElement {
  const li = document.createElement("li");
  li.dataset.id = String(event.id);
  const what = document.createElement("span");
  what.textContent =
    event.action.type === "chat.post"
      ? `“${event.action.text}”`
      : `${event.action.counter} +${event.action.by ?? 1}`;
  const when = document.createElement("time");
  when.dateTime = new Date(event.runAt).toISOString();
  when.textContent = new Date(event.runAt).toLocaleTimeString();
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Cancel";
  button.setAttribute("aria-label", `Cancel ${what.textContent}`);
  button.addEventListener("click", cancel);
  li.append(what, " at ", when);
  if (event.attempts > 0)
    li.append(` (attempt ${event.attempts + 1}: ${event.lastError ?? ""})`);
  li.append(" ", button);
  return li;
}
