/**
 * What each removable feature owns, one row per feature: `npm run remove -- <feature>` deletes
 * exactly this. A new feature (or a new class in one) is one more row, or a few more entries.
 * Paths are relative to the project root. Lines are matched after trimming, and a `//` comment
 * directly above a removed line goes with it.
 */
export type Feature = {
  summary: string;
  /** Removed in the same run, or the command refuses: the seams in AGENTS.md. */
  requires?: { features: string[]; why: string };
  /** Folders and files deleted outright. */
  paths: string[];
  /** Exact lines deleted from a file. */
  lines?: Record<string, string[]>;
  /** Test cases deleted whole: from the line that starts `it("<title>` to its closing `});`. */
  tests?: Record<string, string[]>;
  /** Text replaced in a file (the `from` text must be there, or the command stops). */
  replace?: { file: string; from: string | RegExp; to: string }[];
  wrangler: {
    /** Durable Object classes: their bindings, exports and migration entries. */
    classes?: { name: string; binding: string; export: string }[];
    vars?: string[];
    secrets?: string[];
    /** Top-level keys written on one line (`"assets": {…}`). */
    keys?: string[];
  };
  /** npm scripts and `cloudflare.bindings` entries in package.json. */
  packageJson?: {
    scripts?: string[];
    bindings?: string[];
    /** Text cut from the `typecheck` script. */
    typecheck?: string;
  };
  /** Shell lines in the docs that call these routes are dropped. */
  routes?: string[];
  /** Pages deleted; links to them elsewhere become plain text. */
  docs?: string[];
};

/** The benchmark measures the whole template: it goes with the first server feature removed. */
const BENCH = ["bench", "BENCHMARKS.md"];
const BENCH_CONFIG = {
  "tsconfig.worker.json": ['"bench/baseline",', '"bench/template",'],
  "tsconfig.node.json": ['"bench/*.ts",'],
};
const BENCH_SCRIPT = ["bench", "bench:sharded"];

export const FEATURES: Record<string, Feature> = {
  "sharded-counter": {
    summary:
      "the sharded counter (routes, shard math, the CounterAggregate class, SHARD_COUNT)",
    paths: [
      "src/counter/sharded-routes.ts",
      "src/counter/shards.ts",
      "src/counter/counter-aggregate.ts",
      "src/counter/aggregate-store.ts",
      "src/counter/reporting.ts",
      "src/counter/shard-reporter.ts",
      "test/counter/sharded.test.ts",
      "test/counter/sharded-cost.test.ts",
      "test/counter/aggregate-bound.test.ts",
      "test/counter/aggregate-exactly-once.test.ts",
      "test/helpers/sharded.ts",
      "test/http/fuzz.test.ts",
      "test/process/restart/sharded.ts",
      "test/process/probe-stores-nothing.test.ts",
      ...BENCH,
    ],
    lines: {
      "src/app.ts": [
        'import { shardedCounters } from "./counter/sharded-routes";',
        'app.route("/api/sharded-counters", shardedCounters);',
      ],
      // A Counter stays a plain counter: no shard option, no report to an aggregate.
      "src/counter/counter.ts": [
        'import type { ShardState } from "./reporting";',
        'import { ShardReporter, type ShardOf } from "./shard-reporter";',
        "readonly #reporter: ShardReporter;",
        "this.#reporter = new ShardReporter(ctx, env);",
        "this.#reporter.forget();",
      ],
      "test/process/restart.test.ts": [
        'import { sharded } from "./restart/sharded.ts";',
        "sharded,",
      ],
      "test/counter/bad-input.test.ts": [
        '["GET", `/api/sharded-counters/${bad}`],',
        '["POST", `/api/sharded-counters/${bad}/increment`],',
      ],
      "test/http/conventions.test.ts": [
        '["PUT", "/api/sharded-counters/a", "GET, DELETE, HEAD"],',
      ],
      ...BENCH_CONFIG,
    },
    tests: {
      "test/counter/idempotency.test.ts": [
        "refuses a sharded increment whose key is reused with another body",
        "lands retries of a sharded increment on the same shard",
      ],
      "test/objects/first-read-stores-nothing.test.ts": [
        "leaves every shard and the aggregate of a sharded read empty",
      ],
      "test/objects/rpc-compat.test.ts": [
        "a Counter shard and CounterAggregate accept every payload shape",
      ],
    },
    replace: [
      {
        file: "test/http/conventions.test.ts",
        from: `    expect(Object.keys(doc.paths)).toContain(
      "/api/sharded-counters/{name}/increment",
    );
`,
        to: "",
      },
      {
        file: "src/counter/schemas.ts",
        from: /\n\nexport const ShardedBody[\s\S]*$/,
        to: "\n",
      },
      {
        file: "src/counter/schemas.ts",
        from: "the counter routes, plain and sharded.",
        to: "the counter routes.",
      },
      // Schema steps are append-only: shard_of stays, empty, in every Counter.
      {
        file: "src/counter/counter.ts",
        from: "// Only a shard of a sharded counter writes its row: whom its alarm reports to.",
        to: "// Written only by shards of the sharded counter, since removed: steps are append-only.",
      },
      {
        file: "src/counter/counter.ts",
        from: /\n\s*\/\*\* Set by the sharded route[^\n]*\n\s*shard\?: ShardOf;/,
        to: "",
      },
      {
        file: "src/counter/counter.ts",
        from: /async increment\(\{ by = 1, idempotencyKey, shard \}[\s\S]*?\n {2}\}\n\n {2}\/\*\* A shard's whole total[\s\S]*?\n {2}\}\n/,
        to: `increment({ by = 1, idempotencyKey }: StepOptions = {}): Promise<
    CounterValue | Failure
  > {
    return this.#add("increment", by, idempotencyKey);
  }
`,
      },
      {
        file: "src/counter/counter.ts",
        from: /\n(\s*)const retryAt = await this\.#reporter\.report\(\);\n[^\n]*\n[^\n]*\n/,
        to: "\n",
      },
      {
        file: "src/counter/counter.ts",
        from: "   * A shard reports its total to its aggregate; then expired idempotency keys are pruned in\n   * bounded batches, walking the expiry index.",
        to: "   * Expired idempotency keys are pruned in bounded batches, walking the expiry index.",
      },
      {
        file: "src/counter/counter.ts",
        from: /\n\s*\/\/ A write during the report may have armed the next report: keep the earliest time\.\n/,
        to: "\n",
      },
      {
        file: "src/counter/counter.ts",
        from: "[armed, next?.expires_at, retryAt]",
        to: "[armed, next?.expires_at]",
      },
    ],
    wrangler: {
      classes: [
        {
          name: "CounterAggregate",
          binding: "COUNTER_AGGREGATE",
          export: "counter/counter-aggregate",
        },
      ],
      vars: ["SHARD_COUNT"],
    },
    packageJson: { scripts: BENCH_SCRIPT },
    routes: ["/api/sharded-counters"],
  },

  scheduler: {
    summary: "the Scheduler class, its routes and its page panel",
    paths: [
      "src/scheduler",
      "test/scheduler",
      "test/helpers/scheduler.ts",
      // Shared tests whose setup mixes the scheduler in: rewrite them for what you keep.
      "test/objects/first-read-stores-nothing.test.ts",
      "test/shared/object-logs.test.ts",
      "test/objects/alarm-writes.test.ts",
      "test/http/request-log.test.ts",
      "test/http/fuzz.test.ts",
      "test/process/restart/scheduler.ts",
      "test/process/probe-stores-nothing.test.ts",
      "test/process/import-boundaries.test.ts",
      "test/e2e/scheduler.test.ts",
      "test/e2e/scheduler-auth.test.ts",
      "client/scheduler-panel.ts",
      "docs/scheduler.md",
      ...BENCH,
    ],
    lines: {
      "src/app.ts": [
        'import { schedulers } from "./scheduler/routes";',
        'app.route("/api/schedulers", schedulers);',
      ],
      "client/main.ts": [
        'import { mountScheduler } from "./scheduler-panel";',
        'const scheduler = mountScheduler(panel("scheduler"));',
      ],
      "README.md": [
        "| `src/scheduler/`           | `Scheduler`: its store, actions (calls into counter and chat), cron       |",
      ],
      "test/objects/legacy-objects.test.ts": [
        'import { SCHEDULER_SCHEMA } from "../../src/scheduler/store";',
      ],
      "test/process/restart.test.ts": [
        'import { scheduler } from "./restart/scheduler.ts";',
        "scheduler,",
      ],
      ...BENCH_CONFIG,
    },
    tests: {
      "test/objects/legacy-objects.test.ts": [
        "answers a scheduler key stored before keys were bound to their request",
      ],
    },
    replace: [
      {
        file: "client/main.ts",
        from: 'mountChat(panel("chat"), (room) => scheduler.roomJoined(room));',
        to: 'mountChat(panel("chat"), () => {});',
      },
      {
        file: "public/index.html",
        from: /\n\s*<section id="scheduler"[\s\S]*?<\/section>/,
        to: "",
      },
    ],
    wrangler: {
      classes: [
        {
          name: "Scheduler",
          binding: "SCHEDULER",
          export: "scheduler/scheduler",
        },
      ],
    },
    packageJson: { scripts: BENCH_SCRIPT },
    routes: ["/api/schedulers"],
    docs: ["docs/scheduler.md"],
  },

  chat: {
    summary: "the ChatRoom class, its routes, WebSocket and page panel",
    requires: {
      features: ["identity", "scheduler"],
      why: "identity exists only to say who speaks in the chat, and the scheduler's chat.post action (and its page panel) posts into rooms.",
    },
    paths: [
      "src/chat",
      "test/chat",
      "test/helpers/chat-client.ts",
      // Shared tests whose setup mixes chat in: rewrite them for what you keep.
      "test/objects/first-read-stores-nothing.test.ts",
      "test/objects/delete-leaves-nothing.test.ts",
      "test/objects/legacy-objects.test.ts",
      "test/http/origins.test.ts",
      "test/http/fuzz.test.ts",
      "test/process/crash.test.ts",
      "test/process/probe-stores-nothing.test.ts",
      "test/process/import-boundaries.test.ts",
      "test/e2e/chat.test.ts",
      "test/e2e/reconnect.test.ts",
      "client/chat-panel.ts",
      "client/chat-log.ts",
      "client/room-connection.ts",
      "client/presence.ts",
      "client/heartbeat.ts",
      "docs/chat.md",
      "docs/chat-protocol.md",
      ...BENCH,
    ],
    lines: {
      "src/app.ts": [
        'import { rooms } from "./chat/routes";',
        'app.route("/api/rooms", rooms);',
      ],
      "client/main.ts": [
        'import { mountChat } from "./chat-panel";',
        'mountChat(panel("chat"), () => {});',
      ],
      "README.md": [
        "| `src/chat/`                | `ChatRoom`: WebSocket route, history, presence, protocol                  |",
      ],
      ...BENCH_CONFIG,
    },
    tests: {
      "test/http/rate-limit.test.ts": [
        "counts WebSocket upgrades, refusing them before the room is woken",
      ],
    },
    replace: [
      {
        file: "public/index.html",
        from: /\n\s*<section id="chat"[\s\S]*?<\/section>/,
        to: "",
      },
      { file: "AGENTS.md", from: /\n\| `chat` .*\|/, to: "" },
      { file: "AGENTS.md", from: /\n\| `scheduler` .*\|/, to: "" },
    ],
    wrangler: {
      classes: [
        { name: "ChatRoom", binding: "CHAT_ROOM", export: "chat/chat-room" },
      ],
      vars: ["CHAT_HISTORY_LIMIT"],
    },
    packageJson: { scripts: BENCH_SCRIPT },
    routes: ["/api/rooms", "ws://localhost"],
    docs: ["docs/chat.md", "docs/chat-protocol.md"],
  },

  identity: {
    summary:
      "who speaks in the chat: identity modes, session credentials, the names people hold (NameHold), SESSION_SECRET",
    requires: {
      features: ["chat", "scheduler"],
      why: "the chat asks identity who a request speaks as, and the scheduler's chat.post checks names with its rule.",
    },
    paths: [
      "src/identity",
      "test/identity",
      "test/helpers/identity.ts",
      "test/e2e/identity.test.ts",
      "client/chat-session.ts",
      "docs/identity.md",
    ],
    lines: {
      "src/app.ts": [
        'import { sessions } from "./identity/routes";',
        'app.route("/api", sessions);',
      ],
      "scripts/check-deploy.ts": ['IDENTITY_MODE: "verified",'],
      "README.md": [
        "| `src/identity/`            | who a request speaks as in the chat; session credentials                  |",
      ],
    },
    replace: [
      {
        file: "src/app.ts",
        from: /app\.openAPIRegistry\.registerComponent\("securitySchemes", "sessionCookie", \{[\s\S]*?\n\}\);\n/,
        to: "",
      },
      {
        file: "src/app.ts",
        from: /app\.openAPIRegistry\.registerComponent\("securitySchemes", "hold", \{[\s\S]*?\n\}\);\n/,
        to: "",
      },
      {
        file: "wrangler.jsonc",
        from: /\n\s*\/\/ SESSION_SECRET signs chat credentials[^\n]*\n\s*\/\/ [^\n]*/,
        to: "",
      },
      {
        file: ".dev.vars.example",
        from: /# SESSION_SECRET[\s\S]*?SESSION_SECRET=\n/,
        to: "",
      },
    ],
    wrangler: {
      classes: [
        {
          name: "NameHold",
          binding: "NAME_HOLD",
          export: "identity/name-hold",
        },
      ],
      vars: [
        "IDENTITY_MODE",
        "DEPLOYMENT",
        "NAME_HOLD_HOURS",
        "ACCESS_TEAM_DOMAIN",
        "ACCESS_AUD",
      ],
      secrets: ["SESSION_SECRET"],
    },
    packageJson: { bindings: ["SESSION_SECRET"] },
    routes: ["/api/sessions", "/api/identity"],
    docs: ["docs/identity.md"],
  },

  page: {
    summary: "the web page: client/, public/, its build and browser tests",
    paths: [
      "client",
      "public",
      "test/e2e",
      "test/process/page-headers.test.ts",
      "tsconfig.client.json",
    ],
    lines: {
      "tsconfig.json": ['{ "path": "./tsconfig.client.json" }'],
      "eslint.config.js": ['"./tsconfig.client.json",'],
    },
    replace: [
      {
        file: ".ci/run",
        from: /\n# Browser tests drive the system Chromium[\s\S]*?npm run test:e2e\n/,
        to: "\n",
      },
    ],
    wrangler: { keys: ["assets", "build"] },
    packageJson: {
      scripts: ["build:client", "test:e2e"],
      typecheck: " && tsc --noEmit -p tsconfig.client.json",
    },
  },
};
