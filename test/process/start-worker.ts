// `wrangler dev` through wrangler's API, for the one option its CLI lacks: no devtools inspector.
// Started by startDev({ devtools: false }) with its options as one JSON argument; stops on
// SIGTERM or SIGINT, taking its workerd processes with it.
import { unstable_startWorker } from "wrangler";

type Options = {
  config: string;
  port: number;
  persistTo: string;
  logLevel: "debug" | "log" | "info" | "warn" | "error" | "none";
  vars: Record<string, string>;
};

const options = JSON.parse(process.argv[2] ?? "") as Options;

const worker = await unstable_startWorker({
  config: options.config,
  // Vars given here are laid over the config's, as `wrangler dev --var` does.
  bindings: Object.fromEntries(
    Object.entries(options.vars).map(([name, value]) => [
      name,
      { type: "plain_text", value },
    ]),
  ),
  dev: {
    server: { hostname: "127.0.0.1", port: options.port },
    inspector: false,
    persist: options.persistTo,
    logLevel: options.logLevel,
    watch: false,
  },
});
await worker.ready;

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void worker.dispose().finally(() => process.exit(0));
  });
}
