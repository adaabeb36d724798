import { afterEach, beforeEach, vi, type ExpectStatic } from "vitest";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Freezes `Date` (only `Date`: RPC timeouts keep real timers) a day ahead of the real clock for
 * each test, so every alarm an object sets lies in the real future and never fires by itself
 * mid-test; tests move the clock with `advanceTo` and run alarms with `runDurableObjectAlarm`.
 * The objects run in this isolate, so they read the same clock.
 */
export function useFrozenClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + DAY_MS });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

export function advanceTo(expect: ExpectStatic, ms: number): void {
  expect(ms).toBeGreaterThanOrEqual(Date.now());
  vi.setSystemTime(ms);
}
