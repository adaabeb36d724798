// One `wrangler dev` on a throw-away persist dir, plus one browser, per test file.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import {
  startDev,
  type DevOptions,
  type DevServer,
} from "../process/wrangler-dev.ts";
import { launchBrowser } from "./browser.ts";

export class Stack {
  server: DevServer;
  readonly browser: Browser;
  readonly #devOptions: DevOptions;

  private constructor(
    server: DevServer,
    browser: Browser,
    options: DevOptions,
  ) {
    this.server = server;
    this.browser = browser;
    this.#devOptions = options;
  }

  static async start(
    vars: Record<string, string> = {},
    onOutput?: DevOptions["onOutput"],
  ): Promise<Stack> {
    const persistTo = await mkdtemp(join(tmpdir(), "e2e-state-"));
    const options: DevOptions = { persistTo, vars, onOutput };
    const [server, browser] = await Promise.allSettled([
      startDev(options),
      launchBrowser(),
    ]);
    if (server.status === "fulfilled" && browser.status === "fulfilled")
      return new Stack(server.value, browser.value, options);
    if (server.status === "fulfilled") await server.value.stop();
    if (browser.status === "fulfilled") await browser.value.close();
    await rm(persistTo, { recursive: true, force: true });
    throw server.status === "rejected"
      ? server.reason
      : (browser as PromiseRejectedResult).reason;
  }

  /** Starts the stopped server again on the same state and the same port (the same origin). */
  async startServerAgain(): Promise<void> {
    this.server = await startDev({
      ...this.#devOptions,
      port: this.server.port,
    });
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.stop();
    await rm(this.#devOptions.persistTo, { recursive: true, force: true });
  }
}

/** What a test reads of its file's stack. */
export type StackHandle = Pick<
  Stack,
  "server" | "browser" | "startServerAgain"
>;

/** The file's stack: started before its first test, closed after its last. */
export function stackForFile(
  ...args: Parameters<typeof Stack.start>
): StackHandle {
  let stack: Stack | undefined;
  before(async () => {
    stack = await Stack.start(...args);
  });
  after(async () => {
    await stack?.close();
  });
  const started = (): Stack => {
    if (!stack)
      throw new Error("the stack starts before the file's first test");
    return stack;
  };
  return {
    get server() {
      return started().server;
    },
    get browser() {
      return started().browser;
    },
    startServerAgain: () => started().startServerAgain(),
  };
}
