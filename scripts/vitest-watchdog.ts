// A Vitest reporter that fails the run when no test has finished for a while, naming the files
// still running. A stalled run is a bug to find (cloudflare/workers-sdk#15498 was one), never a
// reason to run the suite again, so it ends the run instead of letting CI wait out its limit.
import type { Reporter, TestModule } from "vitest/node";

export class Watchdog implements Reporter {
  #running = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  readonly #quietMs: number;

  /** The longest test (fuzzing, a wrangler-sized file) finishes well inside this. */
  constructor(quietMs = 120_000) {
    this.#quietMs = quietMs;
  }

  onTestRunStart(): void {
    this.#arm();
  }

  onTestModuleStart(module: TestModule): void {
    this.#running.add(module.relativeModuleId);
    this.#arm();
  }

  onTestCaseResult(): void {
    this.#arm();
  }

  onTestModuleEnd(module: TestModule): void {
    this.#running.delete(module.relativeModuleId);
    this.#arm();
  }

  onTestRunEnd(): void {
    clearTimeout(this.#timer);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fail(), this.#quietMs);
    this.#timer.unref();
  }

  #fail(): void {
    const files = [...this.#running].join(", ") || "(none started)";
    process.stderr.write(
      `\nvitest stalled: no test finished for ${this.#quietMs / 1000} s; still running: ${files}\n`,
    );
    process.exit(1);
  }
}
