import type { ChatMessage } from "../src/chat/protocol";
import { byTestId, showError } from "./dom";
import { RoomConnection, type ConnectionState } from "./room-connection";

const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
// eslint-disable-next-line no-control-regex -- the server refuses control characters in names
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function mountChat(
  panel: HTMLElement,
  onJoin: (room: string) => void,
): void {
  const roomInput = byTestId<HTMLInputElement>(panel, "chat-room");
  const userInput = byTestId<HTMLInputElement>(panel, "chat-user");
  const list = byTestId(panel, "chat-messages");
  const online = byTestId(panel, "chat-online");
  const status = byTestId(panel, "chat-status");
  const input = byTestId<HTMLInputElement>(panel, "chat-input");
  const send = byTestId<HTMLButtonElement>(panel, "chat-send");
  const release = byTestId<HTMLButtonElement>(panel, "chat-release");
  let connection: RoomConnection | undefined;

  userInput.value ||= `guest-${Math.floor(Math.random() * 9000 + 1000)}`;

  byTestId(panel, "chat-join")
    .closest("form")!
    .addEventListener("submit", (event) => {
      event.preventDefault();
      const room = roomInput.value.trim();
      const user = userInput.value.trim();
      const problem = !ROOM_NAME.test(room)
        ? "A room name is 1 to 64 letters, digits, _ or -."
        : user.length < 1 || user.length > 32 || CONTROL.test(user)
          ? "A name is 1 to 32 characters."
          : "";
      showError(panel, problem);
      if (problem) return;
      connection?.close();
      list.replaceChildren();
      online.replaceChildren();
      connection = new RoomConnection(room, user, {
        messages: (fresh) => showMessages(list, fresh),
        online: (names) =>
          online.replaceChildren(...names.map((name) => item(name))),
        state: (state) => {
          status.textContent = describeState(state, room, user);
          panel.dataset.state = state;
        },
        error: (message) => showError(panel, message),
      });
      input.disabled = send.disabled = release.disabled = false;
      onJoin(room);
    });

  release.addEventListener("click", () => {
    const leaving = connection;
    connection = undefined;
    input.disabled = send.disabled = release.disabled = true;
    online.replaceChildren();
    if (!leaving) return;
    leaving.release().then(
      () => {
        status.textContent = `Left ${leaving.room}; the name ${leaving.user} is free again.`;
        panel.dataset.state = "released";
      },
      (error: unknown) =>
        showError(panel, `Could not give the name back: ${String(error)}`),
    );
  });

  send.closest("form")!.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!connection || !text) return;
    if (!connection.send(text)) {
      showError(panel, "Not connected, so not sent. Reconnecting…");
      return;
    }
    showError(panel, "");
    input.value = "";
  });
}

function describeState(state: ConnectionState, room: string, user: string) {
  if (state === "live") return `In room ${room} as ${user}.`;
  if (state === "taken") return `The name ${user} is taken. Pick another name.`;
  if (state === "connecting") return `Joining ${room}…`;
  return `Connection to ${room} lost; reconnecting…`;
}

/** Inserts in id order: a catch-up page can land after newer live frames. */
function showMessages(list: HTMLElement, fresh: ChatMessage[]): void {
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
  for (const message of fresh) {
    let before = list.lastElementChild;
    while (before && Number((before as HTMLElement).dataset.id) > message.id)
      before = before.previousElementSibling;
    list.insertBefore(
      messageItem(message),
      before ? before.nextSibling : list.firstChild,
    );
  }
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function messageItem(message: ChatMessage): HTMLElement {
  const li = item("");
  li.dataset.id = String(message.id);
  const time = document.createElement("time");
  time.dateTime = new Date(message.at).toISOString();
  time.textContent = new Date(message.at).toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
  });
  const user = document.createElement("strong");
  user.textContent = message.user;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.text;
  li.append(time, " ", user, " ", text);
  return li;
}

function item(text: string): HTMLLIElement {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}
