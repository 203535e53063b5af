import { ChannelType, main } from "@saffron/protocol";
import { describe, expect, it } from "vitest";
import { scriptedServer, type ScriptedServer } from "../channels/__fixtures__/scripted-server.js";
import type { TransportFactory } from "../transport/transport.js";
import { SpiceSession } from "./session.js";

const INIT = {
  sessionId: 77,
  displayChannelsHint: 1,
  supportedMouseModes: 3,
  currentMouseMode: 2,
  agentConnected: 0,
  agentTokens: 0,
  multiMediaTime: 0,
  ramHint: 0,
};

/** A session whose channels each link to their own scripted server end; `order` records the link order. */
function scriptedSession(channelTypes: number[]) {
  const servers = new Map<number, ScriptedServer>();
  const order: number[] = [];
  const transports: TransportFactory = async (address) => {
    order.push(address.channelType);
    const s = scriptedServer();
    servers.set(address.channelType, s);
    return s.ctx.transports(address);
  };
  const session = new SpiceSession({ transports, channelTypes, agent: false });
  return { session, servers, order };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe("SpiceSession.connect", () => {
  it("links the display channel as soon as MAIN_INIT arrives, before the channel list", async () => {
    const { session, servers, order } = scriptedSession([ChannelType.Display, ChannelType.Inputs]);
    const connecting = session.connect();
    await until(() => servers.has(ChannelType.Main));
    const m = servers.get(ChannelType.Main)!;
    await m.linked;
    m.send(103, main.mainServer.encode("Init", INIT));
    // No channel list yet: only the display links, with the session id of MAIN_INIT.
    await until(() => servers.has(ChannelType.Display));
    const display = await servers.get(ChannelType.Display)!.linked;
    expect(display.mess.connectionId).toBe(INIT.sessionId);
    expect(order).toEqual([ChannelType.Main, ChannelType.Display]);
    m.send(104, main.mainServer.encode("ChannelsList", { channels: [{ type: ChannelType.Display, id: 0 }, { type: ChannelType.Inputs, id: 0 }] }));
    await connecting;
    // The listed display is the one linked early, not a second one.
    expect(order).toEqual([ChannelType.Main, ChannelType.Display, ChannelType.Inputs]);
    expect(session.displays).toHaveLength(1);
    expect(session.channels.map((c) => c.type)).toEqual([ChannelType.Display, ChannelType.Inputs]);
    session.close();
  });

  it("closes the early display again when the server lists none", async () => {
    const { session, servers } = scriptedSession([ChannelType.Display, ChannelType.Inputs]);
    const connecting = session.connect();
    await until(() => servers.has(ChannelType.Main));
    const m = servers.get(ChannelType.Main)!;
    await m.linked;
    m.send(103, main.mainServer.encode("Init", INIT));
    m.send(104, main.mainServer.encode("ChannelsList", { channels: [{ type: ChannelType.Inputs, id: 0 }] }));
    await connecting;
    expect(session.displays).toHaveLength(0);
    expect(session.channels.map((c) => c.type)).toEqual([ChannelType.Inputs]);
    expect(session.closed).toBe(false);
    session.close();
  });

  it("links no display early when the caller wants none", async () => {
    const { session, servers, order } = scriptedSession([ChannelType.Inputs]);
    const connecting = session.connect();
    await until(() => servers.has(ChannelType.Main));
    const m = servers.get(ChannelType.Main)!;
    await m.linked;
    m.send(103, main.mainServer.encode("Init", INIT));
    m.send(104, main.mainServer.encode("ChannelsList", { channels: [{ type: ChannelType.Display, id: 0 }, { type: ChannelType.Inputs, id: 0 }] }));
    await connecting;
    expect(order).toEqual([ChannelType.Main, ChannelType.Inputs]);
    session.close();
  });
});
