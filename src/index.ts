export { app as default } from "./app";
export { Counter } from "./objects/counter";
