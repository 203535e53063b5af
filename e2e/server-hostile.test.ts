// Saffron's SPICE server under hostile clients. While a good client (our Node client) is
// connected and receiving a changing framebuffer, misbehaving clients connect: garbage
// instead of the link header, a valid link followed by garbage or malformed messages, a
// truncated message then close, an absurd data-header size, a WebSocket sending garbage,
// and two clients that link a display channel and then never read (one of them even
// sends ACKs blindly, so only the socket backlog holds the server back). The hostile ones
// must be dropped, the good one must keep receiving and end with the exact framebuffer,
// and the stalled ones must cost bounded memory (server-side pending bytes).
import { connect, type Socket } from "node:net";
import { randomBytes, randomFillSync } from "node:crypto";
import { connectSpice } from "@saffron/client/node";
import { ChannelType, display as dsp } from "@saffron/protocol";
import { FramebufferSource, SpiceServer, type DisplaySource, type Framebuffer, type SourceListeners } from "@saffron/server";
import { diffImages, rawLink, rawMainChannel, saveComparison, waitFor, withTimeout, type RawChannel } from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { surfaceImage } from "./fixtures.js";

const W = 640;
const H = 400;
const PASSWORD = "hostile-test-pw";
const MiB = 1024 * 1024;

let source: FramebufferSource;
let server: SpiceServer;
let port: number;
let animation: ReturnType<typeof setInterval> | undefined;
let frame = 0;

/** Changes the framebuffer: a band of noise (incompressible, DRAW_COPY) and a moving solid box (DRAW_FILL). */
function animate(): void {
  frame++;
  const bandRows = 48;
  const top = (frame * 17) % (H - bandRows);
  randomFillSync(source.pixels.subarray(top * W * 4, (top + bandRows) * W * 4));
  source.damage({ left: 0, top, right: W, bottom: top + bandRows });
  source.fillRect((frame * 9) % (W - 64), (frame * 5) % (H - 64), 64, 64, (frame * 0x10305) & 0xffffff);
}

function rawSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Resolves true if the peer closes `socket` within `ms` (reading and discarding what it sends). */
function closesWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    socket.on("data", () => {});
    socket.resume();
    socket.once("close", () => (clearTimeout(t), resolve(true)));
    socket.once("end", () => (clearTimeout(t), resolve(true)));
  });
}

const sessionIds = () => server.stats().map((s) => s.session);
const sessionStats = (id: number) => server.stats().find((s) => s.session === id);

function header(type: number, size: number): Uint8Array {
  const b = new Uint8Array(6);
  const v = new DataView(b.buffer);
  v.setUint16(0, type, true);
  v.setUint32(2, size, true);
  return b;
}

function displayInit(glzWindow = 0): Uint8Array {
  return dsp.displayClient.encode("Init", { pixmapCacheId: 1, pixmapCacheSize: 0n, glzDictionaryId: 0, glzDictionaryWindowSize: glzWindow } as never);
}

beforeAll(async () => {
  source = new FramebufferSource({ width: W, height: H });
  randomFillSync(source.pixels);
  server = new SpiceServer({ source, password: PASSWORD, imageCompression: "auto_glz" });
  ({ port } = (await server.listen({ port: 0, addr: "127.0.0.1" })) as { port: number });
});

afterAll(async () => {
  if (animation) clearInterval(animation);
  await server?.close();
});

describe("SpiceServer with hostile clients next to a good one", () => {
  it("drops the hostile clients, keeps serving the good one, and bounds a stalled client's backlog", async () => {
    const good = await connectSpice(`spice://127.0.0.1:${port}`, { password: PASSWORD });
    const raws: RawChannel[] = [];
    try {
      await good.waitForIdle(200, 10_000);
      const goodSession = sessionIds()[0]!;
      let goodMessages = 0;
      good.displays[0]!.on("message", () => goodMessages++);
      animation = setInterval(animate, 15);

      // --- stalled readers: link main + display, send DISPLAY_INIT, then never read ---
      const stalledA = await rawMainChannel({ port, password: PASSWORD });
      const stalledADisplay = await rawLink({ port, password: PASSWORD, channelType: ChannelType.Display, connectionId: stalledA.sessionId });
      stalledADisplay.send(dsp.DisplayClientMsg.Init, displayInit());
      // B acknowledges blindly (ACK_SYNC for generation 1, then an ACK every 5 ms) without
      // ever reading: only the server's socket backlog limit can stop it.
      const stalledB = await rawMainChannel({ port, password: PASSWORD });
      const stalledBDisplay = await rawLink({ port, password: PASSWORD, channelType: ChannelType.Display, connectionId: stalledB.sessionId });
      stalledBDisplay.send(dsp.DisplayClientMsg.Init, displayInit(1 << 20));
      const sync = new Uint8Array(4);
      new DataView(sync.buffer).setUint32(0, 1, true);
      stalledBDisplay.send(1 /* ACK_SYNC */, sync);
      const acker = setInterval(() => stalledBDisplay.send(2 /* ACK */), 5);
      raws.push(stalledA.channel, stalledADisplay, stalledB.channel, stalledBDisplay);

      let maxPending = 0;
      const sampler = setInterval(() => {
        for (const id of [stalledA.sessionId, stalledB.sessionId]) {
          for (const c of sessionStats(id)?.channels ?? []) maxPending = Math.max(maxPending, c.pending);
        }
      }, 25);

      // --- the hostile ones, all at once ---
      const hostile = {
        // 1. random bytes instead of the link header
        garbageHeader: (async () => {
          const s = await rawSocket();
          const junk = randomBytes(4096);
          junk[0] = 0x01; // never "GET " (that would be the WebSocket path)
          s.write(junk);
          return closesWithin(s, 5000);
        })(),
        // 2. a link header with the right magic and an absurd size
        absurdLinkSize: (async () => {
          const s = await rawSocket();
          const h = new Uint8Array(16);
          const v = new DataView(h.buffer);
          v.setUint32(0, 0x51444552, true); // "REDQ"
          v.setUint32(4, 2, true);
          v.setUint32(8, 2, true);
          v.setUint32(12, 0xfffffff0, true);
          s.write(h);
          s.write(randomBytes(1024));
          return closesWithin(s, 5000);
        })(),
        // 3. a valid main link, then messages of an unknown type with garbage bodies
        garbageMessages: (async () => {
          const { channel, sessionId } = await rawMainChannel({ port, password: PASSWORD });
          raws.push(channel);
          channel.socket.write(header(0xfeed, 32));
          channel.socket.write(randomBytes(32));
          return { closed: await closesWithin(channel.socket, 5000), sessionId };
        })(),
        // 4. a valid main link, then a known message with a malformed (too short) body
        malformedMessage: (async () => {
          const { channel, sessionId } = await rawMainChannel({ port, password: PASSWORD });
          raws.push(channel);
          channel.send(105 /* MOUSE_MODE_REQUEST */, new Uint8Array([1]));
          return { closed: await closesWithin(channel.socket, 5000), sessionId };
        })(),
        // 5. a valid main link, then half a message and close
        truncatedThenClose: (async () => {
          const { channel, sessionId } = await rawMainChannel({ port, password: PASSWORD });
          channel.socket.write(header(104, 1000));
          channel.socket.end(randomBytes(10));
          // Read (and drop) what the server sent, e.g. the network test's 250 KiB PING: the
          // server's FIN is only seen after it.
          channel.socket.resume();
          await channel.closed;
          return { sessionId };
        })(),
        // 6. main + display linked, then a display message header declaring ~4 GiB
        absurdMessageSize: (async () => {
          const { channel, sessionId } = await rawMainChannel({ port, password: PASSWORD });
          const disp = await rawLink({ port, password: PASSWORD, channelType: ChannelType.Display, connectionId: sessionId });
          raws.push(channel, disp);
          disp.send(dsp.DisplayClientMsg.Init, displayInit());
          disp.socket.write(header(dsp.DisplayClientMsg.Init, 0xfffffff0));
          return { closed: await closesWithin(disp.socket, 5000), sessionId, main: channel };
        })(),
        // 7. a WebSocket (the spice-html5 path) sending garbage instead of the link header
        websocketGarbage: (async () => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ["binary"]);
          await new Promise((ok, ko) => (ws.once("open", ok), ws.once("error", ko)));
          ws.send(randomBytes(512));
          return withTimeout(new Promise<boolean>((ok) => ws.once("close", () => ok(true))), 5000, "websocket closed").catch(() => false);
        })(),
      };

      expect(await hostile.garbageHeader).toBe(true);
      expect(await hostile.absurdLinkSize).toBe(true);
      expect(await hostile.websocketGarbage).toBe(true);
      const garbage = await hostile.garbageMessages;
      const malformed = await hostile.malformedMessage;
      const truncated = await hostile.truncatedThenClose;
      const absurd = await hostile.absurdMessageSize;
      expect(garbage.closed).toBe(true);
      expect(malformed.closed).toBe(true);
      expect(absurd.closed).toBe(true);
      // Their sessions end (main channel gone) ...
      await waitFor(
        () => [garbage.sessionId, malformed.sessionId, truncated.sessionId].every((id) => !sessionIds().includes(id)),
        { timeoutMs: 5000, label: "hostile sessions gone" },
      );
      // ... and a bad display channel closes that channel only.
      const absurdStats = sessionStats(absurd.sessionId)!;
      expect(absurdStats.channels.find((c) => c.name.startsWith("display"))?.closed).toBe(true);
      expect(absurdStats.channels.find((c) => c.name.startsWith("main"))?.closed).toBe(false);
      absurd.main.destroy();

      // Keep the stalled clients stalled while the framebuffer keeps changing.
      const before = goodMessages;
      await new Promise((r) => setTimeout(r, 3000));
      clearInterval(sampler);
      clearInterval(acker);
      const during = goodMessages - before;

      const a = sessionStats(stalledA.sessionId)!;
      const b = sessionStats(stalledB.sessionId)!;
      const bDisplay = b.channels.find((c) => c.name.startsWith("display"))!;
      console.info(
        `hostile: frames ${frame}, good client got ${during} display messages in 3 s; stalled max pending ${(maxPending / MiB).toFixed(2)} MiB; ` +
          `stalled A display sent ${a.channels.find((c) => c.name.startsWith("display"))?.bytesSent} B, stalled B display sent ${bDisplay.bytesSent} B (${bDisplay.messagesSent} msgs)`,
      );
      // The good client kept receiving while the hostile ones did their worst.
      expect(during).toBeGreaterThan(50);
      // A stalled client costs at most the socket backlog limit (4 MiB) plus one message.
      expect(maxPending).toBeLessThan(6 * MiB);
      // The blind-ACK client really did push the server to that limit (the test is not vacuous).
      expect(bDisplay.bytesSent).toBeGreaterThan(4 * MiB);

      // Stop changing the picture: the good client must end with exactly the framebuffer.
      clearInterval(animation);
      animation = undefined;
      await good.waitForIdle(500, 20_000);
      expect(good.errors).toEqual([]);
      const diff = diffImages(surfaceImage(good.primary!), surfaceImage(source.framebuffer()));
      if (diff.differentPixels) saveComparison("server-hostile-good-client", surfaceImage(good.primary!), surfaceImage(source.framebuffer()));
      expect(diff.differentPixels).toBe(0);
      expect(sessionIds()).toContain(goodSession);

      // The stalled ones go away cleanly when they disconnect.
      for (const r of raws) r.destroy();
      await waitFor(() => sessionIds().length === 1, { timeoutMs: 5000, label: "only the good session left" });

      // And the server still takes new clients.
      const late = await connectSpice(`spice://127.0.0.1:${port}`, { password: PASSWORD });
      try {
        await late.waitForIdle(300, 10_000);
        expect(diffImages(surfaceImage(late.primary!), surfaceImage(source.framebuffer())).differentPixels).toBe(0);
      } finally {
        late.close();
      }
    } finally {
      for (const r of raws) r.destroy();
      good.close();
    }
  });
});

/** A desktop whose resizes come with content already drawn (as an X server's do). */
class ResizingSource implements DisplaySource {
  readonly description = "resizing noise";
  readonly absolutePointer = true;
  width = 480;
  height = 320;
  pixels = randomBytes(this.width * this.height * 4);
  private listeners?: SourceListeners;
  async start(l: SourceListeners): Promise<void> {
    this.listeners = l;
  }
  async stop(): Promise<void> {
    this.listeners = undefined;
  }
  framebuffer(): Framebuffer {
    return { width: this.width, height: this.height, stride: this.width * 4, data: this.pixels };
  }
  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.pixels = randomBytes(width * height * 4);
    this.listeners?.resize(width, height);
  }
}

describe("SpiceServer backlog limits for clients that never read", () => {
  it("bounds the queue under repeated resizes and under a request flood", async () => {
    const src = new ResizingSource();
    const srv = new SpiceServer({ source: src, disableTicketing: true });
    const { port: p } = (await srv.listen({ port: 0, addr: "127.0.0.1" })) as { port: number };
    const raws: RawChannel[] = [];
    const pendingOf = (id: number) => Math.max(0, ...(srv.stats().find((x) => x.session === id)?.channels.map((c) => c.pending) ?? []));
    try {
      // A display client that stops reading while the desktop is resized 40 times: each
      // resize is a whole new frame (480x320 or 496x320 noise, ~0.6 MiB uncompressed).
      const stalled = await rawMainChannel({ port: p });
      const disp = await rawLink({ port: p, channelType: ChannelType.Display, connectionId: stalled.sessionId });
      raws.push(stalled.channel, disp);
      disp.send(dsp.DisplayClientMsg.Init, displayInit());
      await new Promise((r) => setTimeout(r, 200));
      let maxResizePending = 0;
      for (let i = 0; i < 40; i++) {
        src.resize(480 + (i % 2) * 16, 320);
        await new Promise((r) => setTimeout(r, 10));
        maxResizePending = Math.max(maxResizePending, pendingOf(stalled.sessionId));
      }

      // A main channel that sends ATTACH_CHANNELS over and over (6 bytes each, ~16 bytes of
      // reply) and never reads: 1.2 M requests would be ~19 MiB of replies (before the read
      // pause, ~15 MiB of them piled up in the server; the kernel buffers hold ~4 MiB).
      const flood = await rawMainChannel({ port: p });
      raws.push(flood.channel);
      const one = flood.channel.writer.frame(104, new Uint8Array(0));
      const batch = new Uint8Array(one.length * 20_000);
      for (let i = 0; i < 20_000; i++) batch.set(one, i * one.length);
      let maxFloodPending = 0;
      for (let t = 0; t < 60; t++) {
        flood.channel.socket.write(batch);
        await new Promise((r) => setTimeout(r, 10));
        maxFloodPending = Math.max(maxFloodPending, pendingOf(flood.sessionId));
      }
      await new Promise((r) => setTimeout(r, 300));
      maxFloodPending = Math.max(maxFloodPending, pendingOf(flood.sessionId));
      console.info(
        `backlog: stalled display over 40 resizes max pending ${(maxResizePending / MiB).toFixed(2)} MiB; ` +
          `ATTACH_CHANNELS flood max pending ${(maxFloodPending / MiB).toFixed(2)} MiB`,
      );
      expect(maxResizePending).toBeLessThan(6 * MiB);
      expect(maxFloodPending).toBeLessThan(10 * MiB);

      // Once the stalled display client reads again it gets the latest size and picture.
      disp.socket.resume();
      disp.socket.on("data", () => {});
      for (const r of raws) r.destroy();
      await waitFor(() => srv.clientCount === 0, { timeoutMs: 5000, label: "stalled sessions gone" });
      const late = await connectSpice(`spice://127.0.0.1:${p}`);
      try {
        await late.waitForIdle(300, 10_000);
        expect(late.primary!.width).toBe(src.width);
        expect(diffImages(surfaceImage(late.primary!), surfaceImage(src.framebuffer())).differentPixels).toBe(0);
      } finally {
        late.close();
      }
    } finally {
      for (const r of raws) r.destroy();
      await srv.close();
    }
  });
});
