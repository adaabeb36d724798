import {
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  it,
  vi,
  type ExpectStatic,
} from "vitest";
import {
  audienceOf,
  issuerOf,
  SESSION,
} from "../../src/identity/session-token";
import { env } from "cloudflare:workers";
import { loadWorker, roomName } from "../helpers/chat-client";
import {
  bearer,
  expectUnauthorized,
  forge,
  mint,
  postMessage,
  SECRET,
  upgradeAs,
} from "../helpers/identity";
import { recordLogs } from "../helpers/logs";

beforeAll(loadWorker, 60_000);

let logs: ReturnType<typeof recordLogs>;
beforeEach(() => {
  logs = recordLogs();
});
afterEach(() => {
  logs.restore();
  vi.useRealTimers();
});

const now = () => Math.floor(Date.now() / 1000);

/** Credentials that must never let "ada" act, each with why. */
type Headers = Record<string, string>;
const BAD_CREDENTIALS: [
  string,
  (expect: ExpectStatic) => Headers | Promise<Headers>,
][] = [
  ["no credential", () => ({})],
  [
    "a forged signature",
    async () =>
      bearer(
        await forge("ada", {}, { secret: "another-secret-of-32-characters!!" }),
      ),
  ],
  [
    "a wrong audience",
    async () => bearer(await forge("ada", { aud: "billing" })),
  ],
  ["no audience", async () => bearer(await forge("ada", { aud: undefined }))],
  [
    "a wrong issuer",
    async () => bearer(await forge("ada", { iss: "https://evil.example" })),
  ],
  [
    "an expired token",
    async () =>
      bearer(
        await forge("ada", {
          iat: now() - 900,
          exp: now() - SESSION.skewS - 1,
        }),
      ),
  ],
  [
    "a token without exp",
    async () => bearer(await forge("ada", { exp: undefined })),
  ],
  [
    "a token issued in the future",
    async () =>
      bearer(
        await forge("ada", {
          iat: now() + SESSION.skewS + 5,
          exp: now() + 600,
        }),
      ),
  ],
  [
    "a token that lives too long",
    async () =>
      bearer(await forge("ada", { exp: now() + SESSION.lifetimeS + 60 })),
  ],
  [
    "another algorithm",
    async () => bearer(await forge("ada", {}, { alg: "HS512" as "HS256" })),
  ],
  [
    "a token for another user",
    async (expect) => bearer((await mint(expect, "bob")).token),
  ],
  [
    "a token without a subject",
    async () => bearer(await forge("ada", { sub: undefined })),
  ],
  ["garbage", () => bearer("not.a.jwt")],
  [
    "a token with the signature cut off",
    async (expect) =>
      bearer((await mint(expect, "ada")).token.replace(/\.[^.]+$/, ".")),
  ],
  [
    "an unsigned token",
    () =>
      bearer(
        `${btoa('{"alg":"none"}')}.${btoa(JSON.stringify({ sub: "ada", iss: issuerOf(env.DEPLOYMENT), aud: audienceOf(env.DEPLOYMENT), iat: now(), exp: now() + 60 }))}.`,
      ),
  ],
];

/** The request line of the response's request: the Worker never called an object for it. */
function expectNoObjectCall(expect: ExpectStatic, res: Response) {
  const line = logs
    .forRequest(res.headers.get("X-Request-Id"))
    .find((l) => l.event === "request");
  expect(line?.objectCalls).toBe(0);
}

describe("verified mode refuses, before the room wakes", () => {
  it.for(BAD_CREDENTIALS)(
    "a post with %s",
    async ([, credential], { expect }) => {
      const room = roomName();
      const res = await postMessage(
        room,
        { user: "ada", text: "hi" },
        await credential(expect),
      );
      expectNoObjectCall(expect, res);
      await expectUnauthorized(expect, res, room);
    },
  );

  it.for(BAD_CREDENTIALS)(
    "a socket with %s",
    async ([, credential], { expect }) => {
      const room = roomName();
      const res = await upgradeAs(room, "ada", await credential(expect));
      expectNoObjectCall(expect, res);
      await expectUnauthorized(expect, res, room);
    },
  );

  it("a cookie for one name on a socket that claims another", async ({
    expect,
  }) => {
    const room = roomName();
    const { cookie } = await mint(expect, "ada");
    const adaCookie = cookie.split(";")[0]!;
    const res = await upgradeAs(room, "bob", { Cookie: adaCookie });
    await expectUnauthorized(expect, res, room);
  });

  it.for<[string, Headers]>([
    [
      " that says Upgrade: websocket, which still never reads it",
      { Upgrade: "websocket" },
    ],
    [", which never reads it", {}],
  ])(
    "the socket's cookie on an HTTP post%s",
    async ([, headers], { expect }) => {
      const room = roomName();
      const { cookie } = await mint(expect, "ada");
      const res = await postMessage(
        room,
        { user: "ada", text: "hi" },
        { Cookie: cookie.split(";")[0]!, ...headers },
      );
      await expectUnauthorized(expect, res, room);
    },
  );

  it("a token replayed after it expired, that worked before", async ({
    expect,
  }) => {
    const room = roomName();
    const { token, expiresAt } = await mint(expect, "ada");
    const first = await postMessage(
      room,
      { user: "ada", text: "in time" },
      bearer(token),
    );
    expect(first.status).toBe(201);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(expiresAt + SESSION.skewS * 1000 + 1000);
    const later = roomName();
    await expectUnauthorized(
      expect,
      await postMessage(later, { user: "ada", text: "late" }, bearer(token)),
      later,
    );
    await expectUnauthorized(
      expect,
      await upgradeAs(later, "ada", bearer(token)),
      later,
    );
  });
});

describe("verified mode bounds clock skew", () => {
  it("accepts a token a little past its expiry or a little ahead of this clock", async ({
    expect,
  }) => {
    for (const claims of [
      { iat: now() - 600, exp: now() - SESSION.skewS + 5 },
      { iat: now() + SESSION.skewS - 5, exp: now() + 600 },
    ]) {
      const res = await postMessage(
        roomName(),
        { user: "ada", text: "hi" },
        bearer(await forge("ada", claims)),
      );
      expect(res.status).toBe(201);
    }
  });

  it("signs with the configured secret only", async ({ expect }) => {
    const token = await forge("ada", {}, { secret: SECRET });
    const res = await postMessage(
      roomName(),
      { user: "ada", text: "hi" },
      bearer(token),
    );
    expect(res.status).toBe(201);
  });
});
