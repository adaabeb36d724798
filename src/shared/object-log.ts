/**
 * One structured line from a Durable Object, like the Worker's request lines, with `object`: the
 * name the object was reached by (`ctx.id.name`), so the logs of one room or one scheduler can
 * be filtered in the dashboard. An object made from a unique id has no name; its id stands in.
 */
export function logObject(
  ctx: DurableObjectState,
  level: "info" | "warn" | "error",
  event: string,
  fields: Record<string, unknown> = {},
): void {
  const object = ctx.id.name ?? ctx.id.toString();
  console[level](JSON.stringify({ level, event, object, ...fields }));
}
