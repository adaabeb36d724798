import type { DevServer } from "../wrangler-dev.ts";

/**
 * One feature's part in test/process/restart.test.ts: `arrange` runs against the server before
 * it stops and answers how to check the state it left, against the server started again.
 */
export type RestartCase = {
  /** The test's title. */
  title: string;
  arrange(server: DevServer): Promise<Check>;
};

export type Check = {
  /** The server starts again only after this time (epoch ms): for work due while it is down. */
  notBefore?: number;
  run(restarted: Restarted): Promise<void>;
};

export type Restarted = {
  server: DevServer;
  /** When the first server was told to stop, and when the second answered. */
  stoppedAt: number;
  readyAt: number;
  /** Everything the second server has printed so far. */
  output: () => string;
};
