// The vdagent that Saffron's server emulates in MAIN: a scripted agent client (our Node
// client plus the protocol package) resizes a FramebufferSource through MONITORS_CONFIG and
// moves clipboard text both ways with an X11 source on Xvfb (xclip on the served display);
// then the real remote-viewer, on a second Xvfb driven by xdotool, types and clicks into a
// program on the served display and shares its clipboard through the emulated agent.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { agent, Caps } from "@saffron/protocol";
import { connectSpice } from "@saffron/client/node";
import type { SpiceSession } from "@saffron/client";
import { FramebufferSource, SpiceServer, x11Source, type DisplaySource } from "@saffron/server";
import {
  execOnDisplay,
  makeTempDir,
  openXterm,
  setRootColor,
  sleep,
  spawnTracked,
  stopAllPeers,
  tail,
  waitFor,
  xdotool,
  type TrackedProcess,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "agent-Saffron";
const { AgentCaps: C, AgentClipboardType: T } = agent;
const SEL = agent.agentMessagesFor({ clipboardSelection: true });

afterAll(stopAllPeers);

interface Xvfb {
  display: string;
  stop(): Promise<void>;
}

/** Starts Xvfb on a display number it picks itself (-displayfd: no race with other Xvfbs). */
async function startXvfb(screen: string): Promise<Xvfb> {
  const proc = spawnTracked("Xvfb", ["-displayfd", "1", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"]);
  let out = "";
  proc.child.stdout!.setEncoding("utf8").on("data", (s: string) => (out += s));
  const n = await waitFor(() => (proc.exitInfo ? Promise.reject(new Error("Xvfb exited")) : /^(\d+)\n/.exec(out)?.[1]), {
    timeoutMs: 15_000,
    label: "Xvfb display number",
  });
  return { display: `:${n}`, stop: async () => void (await proc.stop(2000)) };
}

/** remote-viewer on `display` connected through a .vv file (the password stays off the command line); its window id. */
async function startRemoteViewer(display: string, port: number, dir: string, onStderr: (text: string) => void): Promise<{ viewer: TrackedProcess; wid: string }> {
  const vv = join(dir, "connect.vv");
  writeFileSync(vv, ["[virt-viewer]", "type=spice", "host=127.0.0.1", `port=${port}`, `password=${PASSWORD}`, ""].join("\n"), { mode: 0o600 });
  const viewer = spawnTracked("remote-viewer", [vv], { env: { ...process.env, DISPLAY: display, GDK_BACKEND: "x11", NO_AT_BRIDGE: "1" } });
  viewer.child.stdout?.resume();
  viewer.child.stderr?.setEncoding("utf8").on("data", onStderr);
  const wid = (await xdotool(display, "search", "--sync", "--onlyvisible", "--class", "remote-viewer")).trim().split("\n")[0]!;
  return { viewer, wid };
}

/** The client end of the agent stream on our Node client: sends messages, collects the server's. */
class ScriptedAgent {
  readonly received: agent.AgentMessage[] = [];
  private buf = new Uint8Array(0);
  set: agent.AgentMessageSet = agent.agentMessages;

  constructor(private readonly session: SpiceSession) {
    session.main!.on("agent-data", (chunk: Uint8Array) => {
      const all = new Uint8Array(this.buf.length + chunk.length);
      all.set(this.buf);
      all.set(chunk, this.buf.length);
      let pos = 0;
      while (all.length - pos >= 20) {
        const size = new DataView(all.buffer, pos + 16, 4).getUint32(0, true);
        if (all.length - pos < 20 + size) break;
        this.received.push(agent.decodeAgentMessage(this.set, all.subarray(pos, pos + 20 + size)).message);
        pos += 20 + size;
      }
      this.buf = all.slice(pos);
    });
  }

  /** Sends a message in ≤ 2048-byte chunks, waiting for tokens from the server when out of them. */
  async send<K extends keyof agent.AgentMessageSet["defs"] & string>(name: K, body: Parameters<typeof agent.encodeAgentMessage<K>>[2]): Promise<void> {
    const bytes = agent.encodeAgentMessage(this.set, name, body);
    const main = this.session.main!;
    for (let pos = 0; pos < bytes.length; pos += 2048) {
      if (main.agentTokens <= 0) await waitFor(() => main.agentTokens > 0, { label: "agent tokens from the server", timeoutMs: 5000 });
      expect(main.sendAgentData(bytes.subarray(pos, pos + 2048))).toBe(true);
    }
  }

  async next(name: string, timeoutMs = 10_000): Promise<agent.AgentMessage> {
    return waitFor(() => {
      const i = this.received.findIndex((m) => m.name === name);
      return i < 0 ? undefined : this.received.splice(i, 1)[0];
    }, { label: `agent ${name}`, timeoutMs });
  }

  /** As spice-gtk: announce our caps asking for the server's, in the selection layout. */
  async handshake(): Promise<Caps> {
    const caps = Caps.of(C.MonitorsConfig, C.Reply, C.ClipboardByDemand, C.ClipboardSelection);
    await this.send("AnnounceCapabilities", { request: 1, caps: caps.toWords() });
    this.set = SEL; // both sides announce CLIPBOARD_SELECTION
    const reply = await this.next("AnnounceCapabilities");
    return Caps.fromWords((reply.body as { caps: number[] }).caps);
  }
}

describe("emulated agent with a scripted client", () => {
  it("resizes a resizable FramebufferSource through MONITORS_CONFIG", async () => {
    const source = new FramebufferSource({ width: 640, height: 480, resizable: true });
    source.fillRect(0, 0, 640, 480, 0x336699);
    const server = new SpiceServer({ source, password: PASSWORD });
    const port = (await server.listen({ port: 0 })).port!;
    const session = await connectSpice(`spice://127.0.0.1:${port}`, { password: PASSWORD });
    try {
      expect(session.main!.init?.agentConnected).toBe(1);
      expect(session.main!.init?.agentTokens).toBe(10);
      await waitFor(() => session.primary, { label: "first surface" });
      expect([session.primary!.width, session.primary!.height]).toEqual([640, 480]);
      const a = new ScriptedAgent(session);
      const caps = await a.handshake();
      expect(caps.has(C.MonitorsConfig)).toBe(true);
      await a.send("MonitorsConfig", { flags: 0, monitors: [{ width: 800, height: 600, depth: 32, x: 0, y: 0 }], physicalSizes: null });
      expect((await a.next("Reply")).body).toEqual({ type: agent.AgentMsg.MonitorsConfig, error: agent.AgentReplyError.Success });
      await waitFor(() => session.primary?.width === 800 && session.primary.height === 600, { label: "800x600 primary surface" });
      // More than the 10 tokens' worth of chunks: the server gives tokens back as it goes.
      for (let i = 0; i < 25; i++) await a.send("MonitorsConfig", { flags: 0, monitors: [{ width: 320 + i, height: 200, depth: 32, x: 0, y: 0 }], physicalSizes: null });
      await waitFor(() => session.primary?.width === 344 && session.primary.height === 200, { label: "344x200 primary surface" });
      expect(session.errors).toEqual([]);
    } finally {
      session.close();
      await server.close();
    }
  });
});

describe("emulated agent with the real remote-viewer", () => {
  it("resizes a resizable FramebufferSource when the viewer window is resized", async () => {
    const source = new FramebufferSource({ width: 640, height: 480, resizable: true });
    source.fillRect(0, 0, 640, 480, 0x336699);
    const server = new SpiceServer({ source, password: PASSWORD });
    const port = (await server.listen({ port: 0 })).port!;
    const dir = makeTempDir("agent-resize");
    const xb = await startXvfb("1280x1024x24");
    let viewer: TrackedProcess | undefined;
    let stderr = "";
    try {
      let wid: string;
      ({ viewer, wid } = await startRemoteViewer(xb.display, port, dir, (t) => (stderr = (stderr + t).slice(-8000))));
      await waitFor(() => server.stats()[0]?.channels.some((c) => c.name.startsWith("display")) || undefined, { label: "remote-viewer display channel", timeoutMs: 20_000 });
      await sleep(1000);
      // spice-gtk sends MONITORS_CONFIG for the new widget size (the window minus its menu and toolbar).
      await xdotool(xb.display, "windowsize", wid, "900", "700");
      await waitFor(() => (source.width !== 640 && source.width > 800 && source.width <= 900 && source.height > 500 && source.height <= 700) || undefined, {
        label: `framebuffer resized by remote-viewer (now ${source.width}x${source.height}; stderr ${tail(stderr, 5)})`,
        timeoutMs: 15_000,
      });
      expect(viewer.exitInfo).toBeUndefined();
    } finally {
      await viewer?.stop(1000);
      await xb.stop();
      await server.close();
    }
  });
});

describe("emulated agent against a hostile client", () => {
  it("closes the session when an agent message declares more than 1 MiB", async () => {
    const warnings: { message: string; code?: unknown }[] = [];
    const log = {
      debug() {},
      info() {},
      warn: (_s: string, message: string, fields?: Record<string, unknown>) => void warnings.push({ message, code: fields?.code }),
      error() {},
      enabled: () => false,
    };
    const server = new SpiceServer({ source: new FramebufferSource({ width: 64, height: 64, resizable: true }), password: PASSWORD, log });
    const port = (await server.listen({ port: 0 })).port!;
    const session = await connectSpice(`spice://127.0.0.1:${port}`, { password: PASSWORD });
    try {
      const header = agent.encodeAgentMessage(agent.agentMessages, "Clipboard", { type: T.Utf8Text, data: new Uint8Array(0) });
      new DataView(header.buffer, header.byteOffset).setUint32(16, 2 * 1024 * 1024, true);
      expect(session.main!.sendAgentData(header)).toBe(true);
      await waitFor(() => session.main!.closed || undefined, { label: "main channel closed by the server" });
      expect(warnings.some((w) => w.code === "ERR_SPICE_TOO_LARGE")).toBe(true);
      await waitFor(() => server.clientCount === 0 || undefined, { label: "session dropped" });
    } finally {
      session.close();
      await server.close();
    }
  });
});

describe("emulated agent on an X display", () => {
  let xa: Xvfb;
  let source: DisplaySource;
  let server: SpiceServer;
  let port: number;

  beforeAll(async () => {
    xa = await startXvfb("1024x768x24");
    await setRootColor(xa.display, "#336699");
    source = await x11Source(xa.display);
    server = new SpiceServer({ source, password: PASSWORD });
    port = (await server.listen({ port: 0 })).port!;
  });

  afterAll(async () => {
    await server?.close();
    await xa?.stop();
  });

  /** Owns CLIPBOARD on `display` with `text` (xclip in the foreground, stopped by the caller). */
  function xclipIn(display: string, text: string): TrackedProcess {
    const p = spawnTracked("xclip", ["-selection", "clipboard", "-quiet"], {
      env: { ...process.env, DISPLAY: display },
      stdio: ["pipe", "ignore", "ignore"],
    });
    p.child.stdin!.end(text);
    return p;
  }

  async function xclipOut(display: string): Promise<string | undefined> {
    const r = await execOnDisplay(display, "xclip", ["-selection", "clipboard", "-o"]).catch(() => undefined);
    return r?.stdout;
  }

  it("moves clipboard text both ways between a SPICE client and X applications", async () => {
    const session = await connectSpice(`spice://127.0.0.1:${port}`, { password: PASSWORD });
    const a = new ScriptedAgent(session);
    let owner: TrackedProcess | undefined;
    try {
      const caps = await a.handshake();
      expect(caps.has(C.ClipboardByDemand)).toBe(true);
      expect(caps.has(C.ClipboardSelection)).toBe(true);

      // Client → desktop: GRAB, the server REQUESTs, CLIPBOARD data, then X programs paste it.
      const fromClient = "from the SPICE client: grüße ✓ " + "x".repeat(3000);
      await a.send("ClipboardGrab", { selection: 0, types: [T.Utf8Text] });
      expect((await a.next("ClipboardRequest")).body).toEqual({ selection: 0, type: T.Utf8Text });
      await a.send("Clipboard", { selection: 0, type: T.Utf8Text, data: new TextEncoder().encode(fromClient) });
      expect(await waitFor(async () => ((await xclipOut(xa.display)) === fromClient ? true : undefined), { label: "xclip -o sees the client's text" })).toBe(true);

      // Desktop → client: an X program copies; the server GRABs, the client REQUESTs, gets the text.
      const fromDesktop = "copied on the X desktop ✓\nline 2";
      owner = xclipIn(xa.display, fromDesktop);
      const grab = await a.next("ClipboardGrab");
      expect(grab.body).toEqual({ selection: 0, types: [T.Utf8Text] });
      await a.send("ClipboardRequest", { selection: 0, type: T.Utf8Text });
      const data = await a.next("Clipboard");
      expect(new TextDecoder().decode((data.body as { data: Uint8Array }).data)).toBe(fromDesktop);
      expect(session.errors).toEqual([]);
    } finally {
      await owner?.stop();
      session.close();
    }
  });

  it("takes keys, clicks and clipboard from the real remote-viewer on another X display", async () => {
    const dir = makeTempDir("agent-remote-viewer");
    const file = join(dir, "typed.txt");
    // A terminal filling most of display A, in mouse-report mode 1000: a click arrives on its
    // input as ESC [ M b x y (cat -v shows ^[[M). Without a window manager focus follows the pointer.
    const term = await openXterm(xa.display, { command: `printf '\\033[?1000h'; exec cat -v > '${file}'`, geometry: "100x40+0+0" });
    const xb = await startXvfb("1280x1024x24");
    let viewer: TrackedProcess | undefined;
    let wid: string;
    let owner: TrackedProcess | undefined;
    let stderr = "";
    try {
      ({ viewer, wid } = await startRemoteViewer(xb.display, port, dir, (t) => (stderr = (stderr + t).slice(-8000))));
      await waitFor(() => server.clientCount > 0 && server.stats()[0]!.channels.some((c) => c.name.startsWith("inputs")), {
        label: "remote-viewer connected with its inputs channel",
        timeoutMs: 20_000,
      });
      await sleep(1500); // the first frames, and spice-gtk's agent start-up
      const geo = await xdotool(xb.display, "getwindowgeometry", "--shell", wid);
      const g = Object.fromEntries(geo.trim().split("\n").map((l) => l.split("=") as [string, string]));
      const [ww, wh] = [Number(g.WIDTH), Number(g.HEIGHT)];
      await xdotool(xb.display, "windowfocus", "--sync", wid);
      // The middle of the viewer window shows the middle of display A: inside the terminal.
      await xdotool(xb.display, "mousemove", "--window", wid, String(Math.round(ww / 2)), String(Math.round(wh / 2)));
      await sleep(300);
      await xdotool(xb.display, "click", "1");
      await sleep(300);
      await xdotool(xb.display, "type", "--delay", "40", "Saffron ok");
      await xdotool(xb.display, "key", "Return");
      const text = await waitFor(() => {
        const t = readFileSync(file, "utf8");
        return t.endsWith("\n") ? t : undefined;
      }, { label: `typed text in ${file} (remote-viewer stderr: ${tail(stderr, 5)})`, timeoutMs: 15_000 });
      // Press (button 0 + 32 = " ") and release ("#"), then the typed line.
      expect(text, JSON.stringify(text)).toMatch(/^\^\[\[M .{2}\^\[\[M#.{2}Saffron ok\n$/s);

      // Clipboard through spice-gtk's own agent code: copied on B reaches A, and back.
      owner = xclipIn(xb.display, "copied next to remote-viewer");
      expect(await waitFor(async () => ((await xclipOut(xa.display)) === "copied next to remote-viewer" ? true : undefined), {
        label: "viewer-side text on the served display",
        timeoutMs: 15_000,
      })).toBe(true);
      await owner.stop();
      owner = xclipIn(xa.display, "copied on the served display");
      expect(await waitFor(async () => ((await xclipOut(xb.display)) === "copied on the served display" ? true : undefined), {
        label: "served-display text next to remote-viewer",
        timeoutMs: 15_000,
      })).toBe(true);
      expect(viewer.exitInfo).toBeUndefined();
    } finally {
      await owner?.stop();
      await viewer?.stop(1000);
      await xb.stop();
      await term.stop();
    }
  });
});
