// A real `wrangler dev` killed with SIGKILL under load, then restarted on the same state.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startDev, type DevServer } from "./wrangler-dev.ts";

const KEYS = 300;
const MESSAGES = 120;
const CONCURRENCY = 16;
const KILL_AFTER_ANSWERS = 120;
const REQUEST_TIMEOUT_MS = 15_000;
const RETRY_ROUNDS = 5;

type Answer = { status: number; body: unknown } | null;

/** One request; `null` when no answer came back (connection refused, reset, or timed out). */
async function send(url: string, init: RequestInit): Promise<Answer> {
  try {
    const res = await fetch(url, {
      ...init,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: res.status, body: await res.json() };
  } catch {
    return null;
  }
}

const increment = (server: DevServer, counter: string, key: string) =>
  send(`${server.url}/api/counters/${counter}/increment`, {
    method: "POST",
    headers: { "Idempotency-Key": key },
  });

const post = (server: DevServer, room: string, text: string) =>
  send(`${server.url}/api/rooms/${room}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: "crash-test", text }),
  });

/** Runs `job(i)` for i in [0, count) on CONCURRENCY workers until `stopped()` says no more. */
async function pool(
  count: number,
  job: (i: number) => Promise<void>,
  stopped: () => boolean,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count && !stopped()) await job(next++);
    }),
  );
}

test(
  "nothing acknowledged is lost, and nothing is applied twice, across a SIGKILL of wrangler dev",
  { timeout: 300_000 },
  async (t) => {
    const persistTo = await mkdtemp(join(tmpdir(), "crash-state-"));
    const counter = `crash-${Date.now()}`;
    const room = `crash-room-${Date.now()}`;
    const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}`);
    const values = new Map<string, number>();
    const acknowledged: { id: number; text: string }[] = [];
    let server = await startDev({ persistTo });
    try {
      let killed: Promise<void> | undefined;
      const killOnce = () => {
        if (values.size + acknowledged.length >= KILL_AFTER_ANSWERS) {
          killed ??= server.stop("SIGKILL");
        }
      };
      await Promise.all([
        pool(
          KEYS,
          async (i) => {
            const answer = await increment(server, counter, keys[i]);
            if (answer?.status === 200) {
              values.set(keys[i], (answer.body as { value: number }).value);
            }
            killOnce();
          },
          () => killed !== undefined,
        ),
        pool(
          MESSAGES,
          async (i) => {
            const answer = await post(server, room, `message ${i}`);
            if (answer?.status === 201) {
              const { id, text } = answer.body as { id: number; text: string };
              acknowledged.push({ id, text });
            }
            killOnce();
          },
          () => killed !== undefined,
        ),
      ]);
      await killed;
      assert.ok(killed, "the server was killed part-way");
      const answeredBeforeKill = values.size;
      t.diagnostic(
        `before SIGKILL: ${answeredBeforeKill}/${KEYS} increments and ${acknowledged.length}/${MESSAGES} messages acknowledged`,
      );

      server = await startDev({ persistTo });
      for (let round = 0; round < RETRY_ROUNDS; round++) {
        const missing = keys.filter((key) => !values.has(key));
        if (missing.length === 0) break;
        await pool(
          missing.length,
          async (i) => {
            const answer = await increment(server, counter, missing[i]);
            if (answer?.status === 200) {
              values.set(missing[i], (answer.body as { value: number }).value);
            }
          },
          () => false,
        );
      }
      assert.equal(
        values.size,
        KEYS,
        "every key got an answer after the restart",
      );

      // A client that lost an answer it was in fact sent retries too: the replay must change nothing.
      for (const key of keys.slice(0, 40)) {
        const replay = await increment(server, counter, key);
        assert.ok(replay?.status === 200, `replay of ${key} answered`);
        assert.equal((replay.body as { value: number }).value, values.get(key));
      }
      const read = await send(`${server.url}/api/counters/${counter}`, {});
      assert.deepEqual(read?.body, { name: counter, value: KEYS });
      // Applied once each: the answers are exactly the values 1..KEYS.
      assert.deepEqual(
        [...values.values()].sort((a, b) => a - b),
        Array.from({ length: KEYS }, (_, i) => i + 1),
      );

      const history = await send(
        `${server.url}/api/rooms/${room}/messages?limit=200`,
        {},
      );
      assert.ok(history?.status === 200, "history answered");
      const stored = (
        history.body as { messages: { id: number; text: string }[] }
      ).messages;
      for (const message of acknowledged) {
        assert.ok(
          stored.some(
            ({ id, text }) => id === message.id && text === message.text,
          ),
          `acknowledged message ${message.id} (${message.text}) is in the history`,
        );
      }
      t.diagnostic(
        `after restart: ${KEYS - answeredBeforeKill} keys retried, counter ${KEYS}, ${stored.length} messages stored`,
      );
    } finally {
      await server.stop("SIGKILL");
      await rm(persistTo, { recursive: true, force: true });
    }
  },
);
