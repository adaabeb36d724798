export { app as default } from "./app";
export { ChatRoom } from "./objects/chat-room";
export { Counter } from "./objects/counter";
export { Scheduler } from "./objects/scheduler";
