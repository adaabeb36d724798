export type LogLevel = "info" | "warn" | "error";

/**
 * One structured line from the Worker, `level` first: Workers Logs indexes its fields. `to` is
 * the console method when it differs from `level` (a retried call is a warning, printed as an
 * error so an alert on errors sees the attempt).
 */
export function logLine(
  level: LogLevel,
  fields: Record<string, unknown>,
  to: LogLevel = level,
): void {
  console[to](JSON.stringify({ level, ...fields }));
}
