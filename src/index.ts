export { app as default } from "./app";
export { ChatRoom } from "./chat/chat-room";
export { Counter } from "./counter/counter";
export { CounterAggregate } from "./counter/counter-aggregate";
export { Scheduler } from "./scheduler/scheduler";
export { NameHold } from "./identity/name-hold";
