import { mountChat } from "./chat-panel";
import { mountCounter } from "./counter-panel";
import { mountScheduler } from "./scheduler-panel";

const panel = (id: string) => document.getElementById(id)!;

mountCounter(panel("counter"));
const scheduler = mountScheduler(panel("scheduler"));
mountChat(panel("chat"), (room) => scheduler.roomJoined(room));
