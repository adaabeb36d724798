import { Cron } from "croner";

// "5-part" refuses croner's optional seconds and year fields: the contract is classic 5-field cron.
const OPTIONS = { timezone: "UTC", mode: "5-part", paused: true } as const;

/** Why `expression` cannot be scheduled, or null when it can. */
export function cronProblem(expression: string, nowMs: number): string | null {
  const cron = parse(expression);
  if (typeof cron === "string") return cron;
  return cron.nextRun(new Date(nowMs)) === null
    ? "the cron expression never fires"
    : null;
}

/** The first occurrence strictly after `afterMs`, in UTC; null if there is none. */
export function nextCronRun(
  expression: string,
  afterMs: number,
): number | null {
  const cron = parse(expression);
  if (typeof cron === "string") return null;
  return cron.nextRun(new Date(afterMs))?.getTime() ?? null;
}

/** The parsed expression, or what is wrong with it. */
function parse(expression: string): Cron | string {
  // Nicknames such as @hourly stand for 5-field expressions.
  if (
    !expression.startsWith("@") &&
    expression.trim().split(/\s+/).length !== 5
  ) {
    return "a cron expression has 5 fields: minute hour day-of-month month day-of-week";
  }
  try {
    return new Cron(expression, OPTIONS);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `invalid cron expression: ${reason.replace(/^CronPattern: /, "")}`;
  }
}
