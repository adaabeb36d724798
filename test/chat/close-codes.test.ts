import { beforeAll, describe, it } from "vitest";
import {
  adaAndGrace,
  ChatClient,
  closeOf,
  loadWorker,
  roomStub,
  joinNewRoom,
} from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

describe("closing handshakes", () => {
  it("echoes the client's close code and announces the leave", async ({
    expect,
  }) => {
    const { ada, grace } = await adaAndGrace(expect);
    grace.ws.close(4000, "done for today");
    const close = await closeOf(grace);
    expect(close.code).toBe(4000);
    expect(await ada.next("leave")).toEqual({ type: "leave", user: "grace" });
  });

  it("answers a close without a code (1005) normally, never echoing the reserved code", async ({
    expect,
  }) => {
    const { room, ada, grace } = await adaAndGrace(expect);
    grace.ws.close();
    await closeOf(grace);
    // Echoing 1005 would throw in webSocketClose before the leave went out.
    expect(await ada.next("leave")).toEqual({ type: "leave", user: "grace" });
    expect(await roomStub(room).info()).toEqual({ online: 1 });
  });

  it("announces a user's leave only when their last socket closes", async ({
    expect,
  }) => {
    const { room, client: ada } = await joinNewRoom(expect, "ada");
    const { client: tab1 } = await ChatClient.join(expect, room, "grace");
    const { client: tab2 } = await ChatClient.join(expect, room, "grace");
    await ada.settleOnline(["ada", "grace"]);
    tab1.ws.close(1000);
    await closeOf(tab1);
    const { welcome } = await ChatClient.join(expect, room, "linus");
    expect(welcome.online).toEqual(["ada", "grace", "linus"]);
    expect(await ada.next("join")).toEqual({ type: "join", user: "linus" });
    tab2.ws.close(1000);
    expect(await ada.next("leave")).toEqual({ type: "leave", user: "grace" });
    expect(await ada.drain()).toEqual([]);
  });
});
