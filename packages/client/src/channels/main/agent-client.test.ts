import { Caps, Emitter, SpiceError, agent } from "@saffron/protocol";
import { describe, expect, it } from "vitest";
import { AgentClient, CLIENT_AGENT_CAPS, FileTransferError, fileXferKeyFile, safeFileName, type AgentPort } from "./agent-client.js";
import { AgentStreamReader, agentChunks } from "./agent-stream.js";

const { AgentCaps: C, AgentClipboardType: T, AgentFileXferStatus: XS } = agent;
const SEL = agent.agentMessagesFor({ clipboardSelection: true });
const PLAIN = agent.agentMessages;
const AGENT_CAPS = Caps.of(C.MonitorsConfig, C.Reply, C.ClipboardByDemand, C.ClipboardSelection, C.MonitorsConfigPosition, C.MaxClipboard);

type PortEvents = {
  "agent-connected": (c: boolean) => void;
  "agent-data": (chunk: Uint8Array) => void;
  "agent-tokens": (n: number) => void;
  [e: string]: (...a: any[]) => void;
};

/** The MAIN channel side, in memory: counts tokens, records chunks, plays the agent. */
class FakePort extends Emitter<PortEvents> implements AgentPort {
  agentConnected = false;
  agentTokens = 10;
  readonly chunks: Uint8Array[] = [];
  private reader = new AgentStreamReader(1 << 26);
  set: agent.AgentMessageSet = PLAIN;
  readonly received: agent.AgentMessage[] = [];

  sendAgentData(chunk: Uint8Array): boolean {
    if (!this.agentConnected || this.agentTokens <= 0) return false;
    expect(chunk.length).toBeLessThanOrEqual(agent.AgentMaxDataSize);
    this.agentTokens--;
    this.chunks.push(chunk.slice());
    for (const m of this.reader.push(chunk).messages) this.received.push(agent.decodeAgentMessage(this.set, m).message);
    return true;
  }

  connect(): void {
    this.agentConnected = true;
    this.emit("agent-connected", true);
  }

  disconnect(): void {
    this.agentConnected = false;
    this.emit("agent-connected", false);
  }

  grant(n: number): void {
    this.agentTokens += n;
    this.emit("agent-tokens", this.agentTokens);
  }

  /** The agent sends a message, cut into chunks of `split` bytes. */
  fromAgent<K extends keyof agent.AgentMessageSet["defs"] & string>(name: K, body: Parameters<typeof agent.encodeAgentMessage<K>>[2], split = 2048): void {
    const bytes = agent.encodeAgentMessage(this.set, name, body);
    for (const c of agentChunks(bytes, split)) this.emit("agent-data", c);
  }

  take(name: string): agent.AgentMessage[] {
    const out = this.received.filter((m) => m.name === name);
    for (const m of out) this.received.splice(this.received.indexOf(m), 1);
    return out;
  }

  /** The connect + capability exchange; afterwards both sides use the selection layout. */
  handshake(client: AgentClient, caps = AGENT_CAPS): void {
    client.attach(this);
    this.connect();
    const [announce] = this.take("AnnounceCapabilities");
    expect(announce?.body).toEqual({ request: 1, caps: Caps.of(...CLIENT_AGENT_CAPS).toWords() });
    this.fromAgent("AnnounceCapabilities", { request: 0, caps: caps.toWords() });
    if (caps.has(C.ClipboardSelection)) this.set = SEL;
  }
}

describe("AgentStreamReader", () => {
  const messages = [
    agent.encodeAgentMessage(PLAIN, "Reply", { type: 2, error: 1 }),
    agent.encodeAgentMessage(PLAIN, "ClientDisconnected", {}),
    agent.encodeAgentMessage(PLAIN, "Clipboard", { type: T.Utf8Text, data: new Uint8Array(5000).fill(65) }),
  ];
  const stream = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
  let o = 0;
  for (const m of messages) (stream.set(m, o), (o += m.length));

  it("reassembles messages across any chunking", () => {
    for (const size of [1, 3, 19, 20, 21, 2048, stream.length]) {
      const r = new AgentStreamReader(1 << 20);
      const got: Uint8Array[] = [];
      for (const c of agentChunks(stream, size)) got.push(...r.push(c).messages);
      expect(got).toEqual(messages);
    }
  });

  it("skips a message over the bound and goes on with the next", () => {
    const r = new AgentStreamReader(1000);
    const got: Uint8Array[] = [];
    const errors: SpiceError[] = [];
    for (const c of agentChunks(stream, 700)) {
      const out = r.push(c);
      got.push(...out.messages);
      errors.push(...out.errors);
    }
    expect(got).toEqual(messages.slice(0, 2));
    expect(errors.map((e) => e.code)).toEqual(["ERR_SPICE_TOO_LARGE"]);
    // In sync afterwards.
    expect(r.push(messages[0]!).messages).toEqual([messages[0]]);
  });
});

describe("AgentClient", () => {
  it("announces on connect and becomes connected on the agent's announce, answering its request", () => {
    const port = new FakePort();
    const client = new AgentClient();
    const seen: Caps[] = [];
    client.on("connected", (c) => seen.push(c));
    client.attach(port);
    port.connect();
    expect(port.take("AnnounceCapabilities").map((m) => m.body)).toEqual([{ request: 1, caps: Caps.of(...CLIENT_AGENT_CAPS).toWords() }]);
    expect(client.connected).toBe(false);
    port.fromAgent("AnnounceCapabilities", { request: 1, caps: AGENT_CAPS.toWords() });
    expect(client.connected).toBe(true);
    expect(seen.map((c) => c.bits())).toEqual([AGENT_CAPS.bits()]);
    expect(port.take("AnnounceCapabilities").map((m) => m.body)).toEqual([{ request: 0, caps: Caps.of(...CLIENT_AGENT_CAPS).toWords() }]);
    expect(port.take("MaxClipboard").map((m) => m.body)).toEqual([{ max: 32 * 1024 * 1024 }]);
  });

  it("holds requests made before the agent's capabilities and sends them after", () => {
    const port = new FakePort();
    const client = new AgentClient();
    client.attach(port);
    port.connect();
    expect(client.setMonitors([{ width: 1280, height: 800 }])).toBe(true);
    expect(port.take("MonitorsConfig")).toEqual([]);
    port.fromAgent("AnnounceCapabilities", { request: 0, caps: AGENT_CAPS.toWords() });
    expect(port.take("MonitorsConfig").map((m) => m.body)).toEqual([
      { flags: agent.AgentMonitorsConfigFlags.UsePos, monitors: [{ width: 1280, height: 800, depth: 32, x: 0, y: 0 }], physicalSizes: null },
    ]);
  });

  it("refuses what the agent did not announce", () => {
    const port = new FakePort();
    const client = new AgentClient();
    port.handshake(client, Caps.of(C.Reply));
    expect(client.setMonitors([{ width: 800, height: 600 }])).toBe(false);
    expect(client.grab([T.Utf8Text])).toBe(false);
    expect(() => client.setMonitors([{ width: -1, height: 2 }])).toThrow(RangeError);
  });

  it("sends in ≤ 2048-byte chunks paced by tokens, resuming on AGENT_TOKEN", () => {
    const port = new FakePort();
    const client = new AgentClient();
    port.handshake(client);
    port.received.length = 0;
    port.agentTokens = 0;
    const text = "x".repeat(10_000);
    client.clipboard(T.Utf8Text, new TextEncoder().encode(text));
    expect(port.received).toEqual([]);
    expect(client.queued).toBeGreaterThan(10_000);
    port.grant(2);
    expect(client.queued).toBeGreaterThan(0);
    port.grant(10);
    expect(client.queued).toBe(0);
    const [m] = port.take("Clipboard");
    expect(m?.body).toMatchObject({ selection: 0, type: T.Utf8Text });
    expect(new TextDecoder().decode((m!.body as { data: Uint8Array }).data)).toBe(text);
    expect(port.chunks.slice(-5).map((c) => c.length)).toEqual([2048, 2048, 2048, 2048, 10_000 + 28 - 4 * 2048]);
  });

  it("clipboard: guest grab, our request, the data; selection prefix on the wire", async () => {
    const port = new FakePort();
    const client = new AgentClient();
    port.handshake(client);
    const grabs: [number[], number][] = [];
    client.on("clipboard-grab", (types, sel) => grabs.push([types, sel]));
    port.fromAgent("ClipboardGrab", { selection: 1, types: [T.Utf8Text] });
    port.fromAgent("ClipboardGrab", { selection: 0, types: [T.Utf8Text, T.ImagePng] });
    expect(grabs).toEqual([
      [[T.Utf8Text], 1],
      [[T.Utf8Text, T.ImagePng], 0],
    ]);
    const reading = client.read(T.Utf8Text);
    expect(port.take("ClipboardRequest").map((m) => m.body)).toEqual([{ selection: 0, type: T.Utf8Text }]);
    port.fromAgent("Clipboard", { selection: 0, type: T.Utf8Text, data: new TextEncoder().encode("grüße") }, 7);
    expect(new TextDecoder().decode(await reading)).toBe("grüße");
    // The first byte of a REQUEST body is the selection.
    const raw = port.chunks[port.chunks.length - 1]!;
    expect(Array.from(raw.subarray(20, 28))).toEqual([0, 0, 0, 0, T.Utf8Text, 0, 0, 0]);
  });

  it("clipboard: offered data answers the guest's requests by itself", () => {
    const port = new FakePort();
    const client = new AgentClient();
    port.handshake(client);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    client.offer(new Map([[T.Utf8Text, new TextEncoder().encode("hello")], [T.ImagePng, png]]));
    expect(port.take("ClipboardGrab").map((m) => m.body)).toEqual([{ selection: 0, types: [T.Utf8Text, T.ImagePng] }]);
    const asked: number[] = [];
    client.on("clipboard-request", (t) => asked.push(t));
    port.fromAgent("ClipboardRequest", { selection: 0, type: T.ImagePng });
    port.fromAgent("ClipboardRequest", { selection: 0, type: T.ImageBmp });
    expect(port.take("Clipboard").map((m) => m.body)).toEqual([
      { selection: 0, type: T.ImagePng, data: png },
      { selection: 0, type: T.None, data: new Uint8Array(0) },
    ]);
    expect(asked).toEqual([]);
    // A request for a selection we grabbed without data goes to the application.
    client.grab([T.Utf8Text], 1);
    port.fromAgent("ClipboardRequest", { selection: 1, type: T.Utf8Text });
    expect(asked).toEqual([T.Utf8Text]);
    client.release();
    expect(port.take("ClipboardRelease").map((m) => m.body)).toEqual([{ selection: 0 }]);
  });

  describe("clipboard line endings (GUEST_LINEEND_*)", () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    const dec = (b: Uint8Array) => new TextDecoder().decode(b);
    const sentText = (port: FakePort) =>
      port.take("Clipboard").map((m) => {
        const b = m.body as { type: number; data: Uint8Array };
        return [b.type, dec(b.data)];
      });

    /** The guest offers text, we read it; we offer text and answer with `clipboard`; what each side saw. */
    async function exchange(guestCaps: Caps) {
      const port = new FakePort();
      const client = new AgentClient();
      port.handshake(client, guestCaps);
      const reading = client.read(T.Utf8Text);
      port.fromAgent("Clipboard", { selection: 0, type: T.Utf8Text, data: enc("one\r\ntwo\r\nlone\rcr\n") });
      const received = dec(await reading);
      const png = Uint8Array.of(0x89, 0x0d, 0x0a, 0x1a, 0x0a);
      const pngSeen: Uint8Array[] = [];
      client.on("clipboard", (t, d) => t === T.ImagePng && pngSeen.push(d));
      port.fromAgent("Clipboard", { selection: 0, type: T.ImagePng, data: png });
      expect(pngSeen).toEqual([png]);

      client.offer(new Map([[T.Utf8Text, enc("a\nb\r\nc\n")], [T.ImagePng, png]]));
      port.fromAgent("ClipboardRequest", { selection: 0, type: T.Utf8Text });
      port.fromAgent("ClipboardRequest", { selection: 0, type: T.ImagePng });
      client.clipboard(T.Utf8Text, enc("x\ny"), 1);
      const sent = port.take("Clipboard").map((m) => m.body as { type: number; data: Uint8Array });
      expect(sent[1]).toMatchObject({ type: T.ImagePng, data: png });
      return { received, sent: [dec(sent[0]!.data), dec(sent[2]!.data)] };
    }

    it("a CRLF guest (Windows): LF → CRLF to the guest, CRLF → LF from it, other types untouched", async () => {
      const got = await exchange(Caps.of(...AGENT_CAPS.bits(), C.GuestLineendCrlf));
      expect(got.received).toBe("one\ntwo\nlone\rcr\n");
      expect(got.sent).toEqual(["a\r\nb\r\nc\r\n", "x\r\ny"]);
    });

    it("an LF guest (Linux) or one that says nothing: text passes unchanged both ways", async () => {
      for (const caps of [Caps.of(...AGENT_CAPS.bits(), C.GuestLineendLf), AGENT_CAPS]) {
        const got = await exchange(caps);
        expect(got.received).toBe("one\r\ntwo\r\nlone\rcr\n");
        expect(got.sent).toEqual(["a\nb\r\nc\n", "x\ny"]);
      }
    });

    it("text given before the guest's announce is converted when sent, by the guest's caps", () => {
      const port = new FakePort();
      const client = new AgentClient();
      client.attach(port);
      port.connect();
      port.take("AnnounceCapabilities");
      expect(client.clipboard(T.Utf8Text, enc("l1\nl2"))).toBe(true);
      expect(sentText(port)).toEqual([]);
      port.set = SEL; // the held CLIPBOARD goes out after the announce, with the selection prefix
      port.fromAgent("AnnounceCapabilities", { request: 0, caps: Caps.of(...AGENT_CAPS.bits(), C.GuestLineendCrlf).toWords() });
      expect(sentText(port)).toEqual([[T.Utf8Text, "l1\r\nl2"]]);
    });

    it("we announce no GUEST_LINEEND bits ourselves, as spice-gtk", () => {
      expect(CLIENT_AGENT_CAPS).not.toContain(C.GuestLineendLf);
      expect(CLIENT_AGENT_CAPS).not.toContain(C.GuestLineendCrlf);
    });
  });

  it("reports undecodable agent messages and goes on", () => {
    const port = new FakePort();
    const client = new AgentClient();
    port.handshake(client);
    const errors: SpiceError[] = [];
    client.on("error", (e) => errors.push(e));
    const bad = agent.encodeAgentMessage(PLAIN, "Reply", { type: 1, error: 1 });
    new DataView(bad.buffer).setUint32(0, 7, true); // protocol 7
    port.emit("agent-data", bad);
    const replies: number[] = [];
    client.on("reply", (t) => replies.push(t));
    port.fromAgent("Reply", { type: agent.AgentMsg.MonitorsConfig, error: 1 });
    expect(errors.map((e) => e.code)).toEqual(["ERR_SPICE_MALFORMED"]);
    expect(replies).toEqual([agent.AgentMsg.MonitorsConfig]);
  });
});

describe("AgentClient file transfer", () => {
  const file = new Uint8Array(150_000).map((_, i) => (i * 7) & 0xff);

  function setup() {
    const port = new FakePort();
    const client = new AgentClient();
    port.handshake(client);
    port.received.length = 0;
    return { port, client };
  }

  it("START with the key file, data after CAN_SEND_DATA, progress, SUCCESS", async () => {
    const { port, client } = setup();
    const progress: number[] = [];
    client.on("file-progress", (p) => progress.push(p.sent));
    const xfer = client.sendFile("dir/report.bin", file.length, [file.subarray(0, 1000), file.subarray(1000)]);
    expect(xfer.name).toBe("report.bin");
    await new Promise((r) => setTimeout(r, 0));
    const [start] = port.take("FileXferStart");
    expect(start?.body).toEqual({ id: xfer.id, data: fileXferKeyFile("report.bin", file.length) });
    expect(new TextDecoder().decode(fileXferKeyFile("report.bin", 5))).toBe("[vdagent-file-xfer]\nname=report.bin\nsize=5\n\0");
    expect(port.take("FileXferData")).toEqual([]);
    port.fromAgent("FileXferStatus", { id: xfer.id, result: XS.CanSendData, detail: new Uint8Array(0) });
    // Keep granting tokens as a server would while data flows.
    const pump = setInterval(() => port.grant(10), 1);
    try {
      await waitUntil(() => progress[progress.length - 1] === file.length && client.queued === 0);
    } finally {
      clearInterval(pump);
    }
    const data = port.take("FileXferData").map((m) => m.body as { id: number; size: bigint; data: Uint8Array });
    expect(data.every((d) => d.id === xfer.id && Number(d.size) === d.data.length && d.data.length <= 65536)).toBe(true);
    expect(Buffer.concat(data.map((d) => d.data)).equals(Buffer.from(file))).toBe(true);
    port.fromAgent("FileXferStatus", { id: xfer.id, result: XS.Success, detail: new Uint8Array(0) });
    await xfer.done;
    expect(progress[0]).toBe(0);
  });

  it("rejects with the agent's status (NOT_ENOUGH_SPACE with free space)", async () => {
    const { port, client } = setup();
    const xfer = client.sendFile("big", 10, new Uint8Array(10));
    await new Promise((r) => setTimeout(r, 0));
    const detail = new Uint8Array(8);
    new DataView(detail.buffer).setBigUint64(0, 5n, true);
    port.fromAgent("FileXferStatus", { id: xfer.id, result: XS.NotEnoughSpace, detail });
    const err = await xfer.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileTransferError);
    expect(err).toMatchObject({ code: "ERR_SPICE_AGENT", status: XS.NotEnoughSpace, freeSpace: 5n });
  });

  it("cancel tells the agent; losing the agent fails transfers", async () => {
    const { port, client } = setup();
    const a = client.sendFile("a", 10, new Uint8Array(10));
    const b = client.sendFile("b", 10, new Uint8Array(10));
    await new Promise((r) => setTimeout(r, 0));
    a.cancel();
    await expect(a.done).rejects.toMatchObject({ status: XS.Cancelled });
    expect(port.take("FileXferStatus").map((m) => m.body)).toEqual([{ id: a.id, result: XS.Cancelled, detail: new Uint8Array(0) }]);
    port.disconnect();
    await expect(b.done).rejects.toMatchObject({ status: XS.VdagentNotConnected });
    expect(client.connected).toBe(false);
  });

  it("key file escaping and names", () => {
    expect(safeFileName("../../etc/passwd")).toBe("passwd");
    expect(safeFileName("C:\\x\\y.txt")).toBe("y.txt");
    expect(safeFileName("..")).toBe("file");
    expect(new TextDecoder().decode(fileXferKeyFile(" a\\b\nc", 1))).toBe("[vdagent-file-xfer]\nname=\\sa\\\\b\\nc\nsize=1\n\0");
  });
});

async function waitUntil(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 2));
  }
}
