import { describe, expect, it } from "vitest";
import { Caps, agent } from "@saffron/protocol";
import { AgentEmulator, type AgentTarget } from "./agent-emulator.js";
import { AgentStreamReader, chunkAgentMessage } from "./agent-stream.js";

const { AgentCaps: C, AgentClipboardType: T } = agent;

/** spice-gtk's announcement (protocol-map §10), without GRAB_SERIAL. */
const GTK_CAPS = Caps.of(C.MouseState, C.MonitorsConfig, C.Reply, C.DisplayConfig, C.ClipboardByDemand, C.ClipboardSelection, C.MonitorsConfigPosition);

/** A scripted client agent end: what the emulator sends, decoded, and a way to send it messages. */
class FakeClient {
  readonly chunks: Uint8Array[] = [];
  readonly messages: agent.AgentMessage[] = [];
  tokensGiven = 0;
  private readonly reader = new AgentStreamReader();
  set = agent.agentMessages;
  readonly emulator: AgentEmulator;

  constructor(target: AgentTarget, opts: { currentClipboard?(): string | undefined } = {}) {
    this.emulator = new AgentEmulator(
      {
        sendData: (chunk) => {
          expect(chunk.length).toBeLessThanOrEqual(2048);
          this.chunks.push(chunk);
          for (const m of this.reader.push(chunk)) this.messages.push(agent.decodeAgentMessage(this.set, m).message);
        },
        sendTokens: (n) => void (this.tokensGiven += n),
      },
      target,
      opts,
    );
  }

  send<K extends keyof agent.AgentMessageSet["defs"] & string>(name: K, body: Parameters<typeof agent.encodeAgentMessage<K>>[2]): void {
    for (const chunk of chunkAgentMessage(agent.encodeAgentMessage(this.set, name, body))) this.emulator.receive(chunk);
  }

  take(): agent.AgentMessage[] {
    return this.messages.splice(0);
  }

  /** AGENT_START with plenty of tokens and the capability exchange, as spice-gtk does. */
  handshake(caps = GTK_CAPS): void {
    this.emulator.start(0xffffffff);
    const announce = agent.encodeAgentMessage(this.set, "AnnounceCapabilities", { request: 1, caps: caps.toWords() });
    // The emulator answers at once, in the negotiated layout.
    if (caps.has(C.ClipboardSelection) && this.emulator.caps.has(C.ClipboardSelection)) this.set = agent.agentMessagesFor({ clipboardSelection: true });
    this.emulator.receive(announce);
  }
}

function target() {
  const calls: { resize: [number, number][]; clipboard: string[] } = { resize: [], clipboard: [] };
  const t: AgentTarget = {
    requestResize: (w, h) => void calls.resize.push([w, h]),
    setClipboard: (text) => void calls.clipboard.push(text),
  };
  return { t, calls };
}

describe("AgentEmulator", () => {
  it("is wanted only for targets that resize or take clipboard text", () => {
    expect(AgentEmulator.supports({})).toBe(false);
    expect(AgentEmulator.supports({ requestResize() {} })).toBe(true);
    expect(AgentEmulator.supports({ setClipboard() {} })).toBe(true);
  });

  it("answers ANNOUNCE_CAPABILITIES with its own caps", () => {
    const { t } = target();
    const c = new FakeClient(t);
    c.handshake();
    const [m] = c.take();
    expect(m?.name).toBe("AnnounceCapabilities");
    const body = m!.body as { request: number; caps: number[] };
    expect(body.request).toBe(0);
    const caps = Caps.fromWords(body.caps);
    for (const bit of [C.MonitorsConfig, C.Reply, C.ClipboardByDemand, C.ClipboardSelection, C.GuestLineendLf, C.FileXferDisabled]) expect(caps.has(bit)).toBe(true);
    expect(caps.has(C.MouseState)).toBe(false);
    expect(caps.has(C.ClipboardGrabSerial)).toBe(false);
    // Without clipboard support the clipboard caps are not offered.
    const r = new FakeClient({ requestResize() {} });
    r.handshake();
    const rc = Caps.fromWords((r.take()[0]!.body as { caps: number[] }).caps);
    expect(rc.has(C.MonitorsConfig)).toBe(true);
    expect(rc.has(C.ClipboardByDemand)).toBe(false);
  });

  it("turns MONITORS_CONFIG into requestResize of the first enabled monitor and replies", () => {
    const { t, calls } = target();
    const c = new FakeClient(t);
    c.handshake();
    c.take();
    c.send("MonitorsConfig", {
      flags: 0,
      monitors: [{ width: 0, height: 0, depth: 32, x: 0, y: 0 }, { width: 800, height: 600, depth: 32, x: 0, y: 0 }],
      physicalSizes: null,
    });
    expect(calls.resize).toEqual([[800, 600]]);
    expect(c.take()).toEqual([{ name: "Reply", type: 3, body: { type: agent.AgentMsg.MonitorsConfig, error: agent.AgentReplyError.Success } }]);
    c.send("MonitorsConfig", { flags: 0, monitors: [], physicalSizes: null });
    expect(c.take()[0]!.body).toEqual({ type: 2, error: agent.AgentReplyError.Error });
  });

  it("takes the client's clipboard: GRAB → REQUEST → CLIPBOARD → setClipboard", () => {
    const { t, calls } = target();
    const c = new FakeClient(t);
    c.handshake();
    c.take();
    c.send("ClipboardGrab", { selection: 0, types: [T.ImagePng, T.Utf8Text] });
    expect(c.take()).toEqual([{ name: "ClipboardRequest", type: 8, body: { selection: 0, type: T.Utf8Text } }]);
    const text = "héllo Saffron ✓\n".repeat(400); // > 2048 bytes: several chunks
    c.send("Clipboard", { selection: 0, type: T.Utf8Text, data: new TextEncoder().encode(text) });
    expect(calls.clipboard).toEqual([text]);
    // PRIMARY and non-text grabs are left alone.
    c.send("ClipboardGrab", { selection: 1, types: [T.Utf8Text] });
    c.send("ClipboardGrab", { selection: 0, types: [T.ImagePng] });
    expect(c.take()).toEqual([]);
  });

  it("offers desktop clipboard text: GRAB, then CLIPBOARD on the client's REQUEST", () => {
    const { t } = target();
    const c = new FakeClient(t);
    c.emulator.desktopClipboard("early"); // before the client announced: held back
    c.handshake();
    const [announce, grab] = c.take();
    expect(announce?.name).toBe("AnnounceCapabilities");
    expect(grab).toEqual({ name: "ClipboardGrab", type: 7, body: { selection: 0, types: [T.Utf8Text] } });
    c.emulator.desktopClipboard("copied on the desktop ✓");
    expect(c.take()).toEqual([{ name: "ClipboardGrab", type: 7, body: { selection: 0, types: [T.Utf8Text] } }]);
    c.send("ClipboardRequest", { selection: 0, type: T.Utf8Text });
    const [data] = c.take();
    expect(data?.name).toBe("Clipboard");
    const body = data!.body as { selection: number; type: number; data: Uint8Array };
    expect(body.type).toBe(T.Utf8Text);
    expect(new TextDecoder().decode(body.data)).toBe("copied on the desktop ✓");
    // A type we do not have: an empty NONE answer, as vdagent gives.
    c.send("ClipboardRequest", { selection: 0, type: T.ImagePng });
    expect(c.take()[0]!.body).toMatchObject({ type: T.None, data: new Uint8Array(0) });
  });

  it("offers the text the desktop held before the client connected", () => {
    const { t } = target();
    const c = new FakeClient(t, { currentClipboard: () => "from before" });
    c.handshake();
    expect(c.take().map((m) => m.name)).toEqual(["AnnounceCapabilities", "ClipboardGrab"]);
  });

  it("uses the layout without the selection byte when the client lacks CLIPBOARD_SELECTION", () => {
    const { t, calls } = target();
    const c = new FakeClient(t);
    const caps = GTK_CAPS.clone().clear(C.ClipboardSelection);
    c.handshake(caps);
    c.take();
    c.send("ClipboardGrab", { types: [T.Utf8Text] });
    expect(c.take()).toEqual([{ name: "ClipboardRequest", type: 8, body: { type: T.Utf8Text } }]);
    c.send("Clipboard", { type: T.Utf8Text, data: new TextEncoder().encode("no selection\0") });
    expect(calls.clipboard).toEqual(["no selection"]);
  });

  it("waits for the client's tokens before sending, chunk by chunk", () => {
    const { t } = target();
    const c = new FakeClient(t);
    c.send("AnnounceCapabilities", { request: 1, caps: GTK_CAPS.toWords() });
    c.set = agent.agentMessagesFor({ clipboardSelection: true }); // nothing was sent yet
    expect(c.chunks).toHaveLength(0); // no AGENT_START yet
    c.emulator.start(1);
    expect(c.take().map((m) => m.name)).toEqual(["AnnounceCapabilities"]);
    c.emulator.desktopClipboard("x".repeat(5000));
    c.send("ClipboardRequest", { selection: 0, type: T.Utf8Text });
    const before = c.chunks.length;
    c.emulator.addTokens(2);
    expect(c.chunks.length).toBe(before + 2); // GRAB, then the first CLIPBOARD chunk
    expect(c.take().map((m) => m.name)).toEqual(["ClipboardGrab"]);
    c.emulator.addTokens(10);
    const [data] = c.take();
    expect((data!.body as { data: Uint8Array }).data.length).toBe(5000);
    expect(c.chunks.slice(before + 1).map((x) => x.length)).toEqual([2048, 2048, 5000 + 28 - 4096]);
  });

  it("gives tokens back in batches of half the window", () => {
    const { t } = target();
    const c = new FakeClient(t);
    const emu = c.emulator;
    expect(emu.clientWindow).toBe(10);
    const reply = agent.encodeAgentMessage(agent.agentMessages, "Reply", { type: 1, error: 1 });
    for (let i = 0; i < 4; i++) emu.receive(reply);
    expect(c.tokensGiven).toBe(0);
    emu.receive(reply);
    expect(c.tokensGiven).toBe(5);
    for (let i = 0; i < 5; i++) emu.receive(reply);
    expect(c.tokensGiven).toBe(10);
    // A chunk over 2048 bytes is not a valid AGENT_DATA.
    expect(() => emu.receive(new Uint8Array(2049))).toThrow(expect.objectContaining({ code: "ERR_SPICE_TOO_LARGE" }));
  });

  it("rejects an agent message over 1 MiB with ERR_SPICE_TOO_LARGE", () => {
    const { t } = target();
    const c = new FakeClient(t);
    const header = agent.encodeAgentMessage(agent.agentMessages, "Clipboard", { type: 1, data: new Uint8Array(0) });
    new DataView(header.buffer, header.byteOffset).setUint32(16, 2 * 1024 * 1024, true);
    expect(() => c.emulator.receive(header)).toThrow(expect.objectContaining({ code: "ERR_SPICE_TOO_LARGE" }));
  });

  it("skips unknown or unreadable messages and answers file transfers with DISABLED", () => {
    const { t } = target();
    const c = new FakeClient(t);
    c.handshake();
    c.take();
    const unknown = agent.encodeAgentMessage(agent.agentMessages, "Reply", { type: 1, error: 1 });
    new DataView(unknown.buffer, unknown.byteOffset).setUint32(4, 99, true);
    c.emulator.receive(unknown);
    const short = agent.encodeAgentMessage(agent.agentMessages, "Reply", { type: 1, error: 1 }).slice(0, 24);
    new DataView(short.buffer).setUint32(16, 4, true);
    c.emulator.receive(short);
    c.send("FileXferStart", { id: 7, data: new TextEncoder().encode("[vdagent-file-xfer]\nname=a\nsize=1\n") });
    expect(c.take()).toEqual([{ name: "FileXferStatus", type: 11, body: { id: 7, result: agent.AgentFileXferStatus.Disabled, detail: new Uint8Array(0) } }]);
  });
});
