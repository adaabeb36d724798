import { vi } from "vitest";

export type LogLine = Record<string, unknown>;

/**
 * Records the JSON lines the Worker writes, in order (it runs in the test's isolate), still
 * printing them.
 */
export function recordLogs() {
  const spies = [
    vi.spyOn(console, "log"),
    vi.spyOn(console, "info"),
    vi.spyOn(console, "warn"),
    vi.spyOn(console, "error"),
  ];
  const lines = (): LogLine[] =>
    spies
      .flatMap((spy) =>
        spy.mock.calls.map((call: unknown[], i) => ({
          first: call[0],
          order: spy.mock.invocationCallOrder[i] ?? 0,
        })),
      )
      .sort((a, b) => a.order - b.order)
      .map(({ first }) => first)
      .filter((first): first is string => typeof first === "string")
      .flatMap((text) => {
        try {
          const parsed: unknown = JSON.parse(text);
          return isLogLine(parsed) ? [parsed] : [];
        } catch {
          return [];
        }
      });
  return {
    lines,
    forRequest: (requestId: string | null) =>
      lines().filter((line) => line.requestId === requestId),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

const isLogLine = (value: unknown): value is LogLine =>
  typeof value === "object" && value !== null;
