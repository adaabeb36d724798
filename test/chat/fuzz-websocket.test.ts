import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { MAX_FRAME_BYTES, RATE_LIMIT, STRIKES } from "../../src/chat/protocol";
import { TEXT_MAX_CHARS } from "../../src/chat/text-rule";
import {
  ChatClient,
  closeOf,
  loadWorker,
  roomName,
  storedMessages,
  type Frame,
} from "../helpers/chat-client";

const WAIT_MS = 10_000;

type Sent = { kind: "text"; data: string } | { kind: "binary"; bytes: number };

/** A valid message frame padded with JSON whitespace to exactly `bytes` bytes. */
const paddedMessage = (bytes: number) => {
  const frame = JSON.stringify({ type: "message", text: "edge" });
  return frame + " ".repeat(Math.max(0, bytes - frame.length));
};

const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom("", "   ", " trimmed ", "\u3000wide\u3000"),
  fc
    .integer({ min: TEXT_MAX_CHARS - 1, max: TEXT_MAX_CHARS + 1 })
    .map((n) => "é".repeat(n)),
);

const frame: fc.Arbitrary<Sent> = fc.oneof(
  {
    weight: 4,
    arbitrary: text.map((t) => ({
      kind: "text" as const,
      data: JSON.stringify({ type: "message", text: t }),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record(
        {
          type: fc.oneof(fc.string(), fc.constant("message"), fc.anything()),
          text: fc.anything(),
        },
        { requiredKeys: [] },
      )
      .map((value) => ({ kind: "text" as const, data: JSON.stringify(value) })),
  },
  {
    weight: 1,
    arbitrary: fc.json().map((data) => ({ kind: "text" as const, data })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: "grapheme", maxLength: 40 })
      .filter((s) => s !== "ping")
      .map((data) => ({ kind: "text" as const, data })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: MAX_FRAME_BYTES + 16 })
      .map((bytes) => ({ kind: "binary" as const, bytes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: MAX_FRAME_BYTES - 2, max: MAX_FRAME_BYTES + 2 })
      .map((bytes) => ({ kind: "text" as const, data: paddedMessage(bytes) })),
  },
);

/** What the room must answer to one frame, from the spec; `accepted` is the stored text. */
function expected(
  sent: Sent,
  acceptedSoFar: number,
  framesAfterError: number | null,
): { close: 1009 | 1008 } | { error: string } | { accepted: string } {
  const size =
    sent.kind === "binary"
      ? sent.bytes
      : new TextEncoder().encode(sent.data).byteLength;
  if (size > MAX_FRAME_BYTES) return { close: 1009 };
  // Counted from the first error answer; the run takes far less than STRIKES.windowMs.
  if (framesAfterError !== null && framesAfterError + 1 > STRIKES.frames)
    return { close: 1008 };
  if (sent.kind === "binary") return { error: "invalid_json" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(sent.data);
  } catch {
    return { error: "invalid_json" };
  }
  const frame = parsed as { type?: unknown; text?: unknown } | null;
  if (frame?.type !== "message") return { error: "unknown_type" };
  const trimmed = typeof frame.text === "string" ? frame.text.trim() : "";
  const chars = [...trimmed].length;
  if (chars < 1 || chars > TEXT_MAX_CHARS) return { error: "invalid_text" };
  if (acceptedSoFar >= RATE_LIMIT.messages) return { error: "rate_limited" };
  return { accepted: trimmed };
}

function send(client: ChatClient, sent: Sent) {
  if (sent.kind === "text") client.ws.send(sent.data);
  else client.ws.send(new Uint8Array(sent.bytes).fill(7));
}

beforeAll(loadWorker, 60_000);

describe("a chat room under random frames", () => {
  it("answers each frame as the spec says, stores exactly what it broadcast, and closes only for oversize or for frames kept up after errors", async ({
    expect,
  }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(frame, { minLength: 1, maxLength: RATE_LIMIT.messages + 4 }),
        async (frames) => {
          const room = roomName();
          const { client: sender } = await ChatClient.join(
            expect,
            room,
            "sender",
          );
          const { client: watcher } = await ChatClient.join(
            expect,
            room,
            "watcher",
          );
          await sender.next("join", WAIT_MS);
          const broadcast: Frame[] = [];
          let closedBy: number | null = null;
          let expectedClose: number | null = null;
          let framesAfterError: number | null = null;
          for (const sent of frames) {
            send(sender, sent);
            const outcome = expected(sent, broadcast.length, framesAfterError);
            if (framesAfterError !== null) framesAfterError++;
            if ("close" in outcome) {
              expectedClose = outcome.close;
              closedBy = (await closeOf(sender)).code;
              break;
            }
            if ("error" in outcome) framesAfterError ??= 0;
            const reply = await sender.next(
              "error" in outcome ? "error" : "message",
              WAIT_MS,
            );
            if ("error" in outcome) {
              expect(reply.code, JSON.stringify(sent).slice(0, 200)).toBe(
                outcome.error,
              );
            } else {
              expect(reply).toMatchObject({
                user: "sender",
                text: outcome.accepted,
              });
              broadcast.push(reply);
            }
          }
          for (const message of broadcast) {
            expect(await watcher.next("message", WAIT_MS)).toEqual(message);
          }
          if (closedBy !== null) {
            expect(closedBy).toBe(expectedClose);
            expect(await watcher.next("leave", WAIT_MS)).toMatchObject({
              user: "sender",
            });
          }
          expect(await watcher.drain()).toEqual([]);
          const stored = await storedMessages(expect, room);
          expect(stored).toEqual(
            broadcast.map(({ id, user, text, at }) => ({ id, user, text, at })),
          );
          if (closedBy === null) sender.ws.close(1000, "done");
          watcher.ws.close(1000, "done");
        },
      ),
      { numRuns: 50 },
    );
  }, 300_000);
});
