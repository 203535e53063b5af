// The Node client's vdagent support against the real spice-vdagent (Debian package) in an
// Xspice session: the client sees the agent, MONITORS_CONFIG resizes the desktop through
// RandR, clipboard text and images move both ways with X programs (xclip), and a file sent
// lands in the agent's save directory with the same bytes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connectSpice } from "@saffron/client/node";
import type { SpiceSession } from "@saffron/client";
import { agent } from "@saffron/protocol";
import { encodePng, execOnDisplay, spawnTracked, startXspiceWithAgent, stopAllPeers, waitFor, type TrackedProcess, type XspiceWithAgent } from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plasma } from "./fixtures.js";

const { AgentCaps: C, AgentClipboardType: T } = agent;

let xs: XspiceWithAgent;
let session: SpiceSession;

beforeAll(async () => {
  xs = await startXspiceWithAgent({ resolution: "1024x768", password: "agent-pw" });
  session = await connectSpice(`spice://127.0.0.1:${xs.port}`, { password: "agent-pw" });
  await session.agent.ready(15_000);
});

afterAll(async () => {
  session?.close();
  await xs?.stop();
  await stopAllPeers();
});

/** Owns the X CLIPBOARD with `data` (xclip in the foreground until stopped). */
function xclipIn(data: Uint8Array | string, target?: string): TrackedProcess {
  const p = spawnTracked("xclip", ["-selection", "clipboard", "-quiet", ...(target ? ["-t", target] : [])], {
    env: { ...process.env, DISPLAY: xs.display },
    stdio: ["pipe", "ignore", "ignore"],
  });
  p.child.stdin!.end(data);
  return p;
}

async function xclipOut(target?: string): Promise<string | undefined> {
  const r = await execOnDisplay(xs.display, "xclip", ["-o", "-selection", "clipboard", ...(target ? ["-t", target] : [])], 5000).catch(() => undefined);
  return r?.stdout;
}

describe("client vdagent support against spice-vdagent in Xspice", () => {
  it("sees the agent and its capabilities", () => {
    expect(session.main!.agentConnected).toBe(true);
    expect(session.agent.connected).toBe(true);
    for (const cap of [C.MonitorsConfig, C.Reply, C.ClipboardByDemand, C.ClipboardSelection]) expect(session.agent.has(cap)).toBe(true);
    expect(session.errors).toEqual([]);
  });

  it("resizes the desktop through MONITORS_CONFIG", async () => {
    await waitFor(() => session.primary, { label: "primary surface" });
    const replies: number[] = [];
    session.agent.on("reply", (type, error) => type === agent.AgentMsg.MonitorsConfig && replies.push(error));
    const t0 = Date.now();
    expect(session.agent.setMonitors([{ width: 1280, height: 800 }])).toBe(true);
    await waitFor(() => session.primary?.width === 1280 && session.primary.height === 800, { label: "1280x800 primary surface", timeoutMs: 15_000 });
    console.log(`resize to 1280x800 took ${Date.now() - t0} ms`);
    const xrandr = (await execOnDisplay(xs.display, "xrandr", [])).stdout;
    expect(xrandr).toMatch(/current 1280 x 800/);
    await waitFor(() => replies.length > 0 || undefined, { label: "MONITORS_CONFIG reply", timeoutMs: 5000 });
    expect(replies[0]).toBe(agent.AgentReplyError.Success);
    // And back, with an odd size the guest still accepts.
    session.agent.setMonitors([{ width: 1024, height: 700 }]);
    await waitFor(() => session.primary?.width === 1024 && session.primary.height === 700, { label: "1024x700 primary surface", timeoutMs: 15_000 });
  });

  it("client → guest clipboard: X programs paste what the client offers (text and PNG)", async () => {
    const text = "from Saffron: grüße ✓ " + "z".repeat(5000);
    session.agent.offerText(text);
    expect(await waitFor(async () => ((await xclipOut()) === text ? true : undefined), { label: "xclip -o shows the text", timeoutMs: 10_000 })).toBe(true);

    const png = encodePng(plasma(64, 48));
    session.agent.offer(new Map([[T.ImagePng, png]]));
    const out = await waitFor(
      async () => {
        const r = await execOnDisplay(xs.display, "sh", ["-c", "xclip -o -selection clipboard -t image/png | od -An -v -tx1 | tr -d ' \\n'"], 5000).catch(() => undefined);
        return r && r.stdout.length > 0 ? r.stdout : undefined;
      },
      { label: "xclip -t image/png", timeoutMs: 10_000 },
    );
    // spice-vdagent may re-encode images; it must still be a PNG of the same size.
    const got = Buffer.from(out, "hex");
    expect(got.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect([got.readUInt32BE(16), got.readUInt32BE(20)]).toEqual([64, 48]);
  });

  it("guest → client clipboard: text copied on the desktop reaches the client", async () => {
    const grabbed = new Promise<number[]>((ok) => {
      const off = session.agent.on("clipboard-grab", (types, sel) => {
        if (sel !== agent.AgentClipboardSelection.Clipboard) return;
        off();
        ok(types);
      });
    });
    const owner = xclipIn("copied on the desktop ✓\nsecond line");
    try {
      const types = await grabbed;
      expect(types).toContain(T.Utf8Text);
      const data = await session.agent.read(T.Utf8Text);
      expect(new TextDecoder().decode(data)).toBe("copied on the desktop ✓\nsecond line");
    } finally {
      await owner.stop(1000);
    }
  });

  it("guest → client clipboard: an image copied on the desktop arrives as PNG", async () => {
    const png = encodePng(plasma(40, 30, 2));
    const grabbed = new Promise<number[]>((ok) => {
      const off = session.agent.on("clipboard-grab", (types, sel) => sel === 0 && (off(), ok(types)));
    });
    const owner = xclipIn(png, "image/png");
    try {
      expect(await grabbed).toContain(T.ImagePng);
      const data = await session.agent.read(T.ImagePng);
      expect(Buffer.from(data.subarray(1, 4)).toString("latin1")).toBe("PNG");
      expect([Buffer.from(data).readUInt32BE(16), Buffer.from(data).readUInt32BE(20)]).toEqual([40, 30]);
    } finally {
      await owner.stop(1000);
    }
  });

  it("sends a file into the agent's save directory, with progress", async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
    const progress: number[] = [];
    session.agent.on("file-progress", (p) => progress.push(p.sent));
    const t0 = Date.now();
    const pieces = function* () {
      for (let i = 0; i < bytes.length; i += 10_000) yield bytes.subarray(i, i + 10_000);
    };
    const xfer = session.agent.sendFile("saffron-upload.bin", bytes.length, pieces());
    await xfer.done;
    const ms = Date.now() - t0;
    console.log(`file transfer: ${bytes.length} bytes in ${ms} ms (${Math.round(bytes.length / 1024 / (ms / 1000))} KiB/s)`);
    expect(progress[progress.length - 1]).toBe(bytes.length);
    expect(progress.length).toBeGreaterThan(3);
    const saved = readFileSync(join(xs.fileXferDir, "saffron-upload.bin"));
    expect(saved.equals(Buffer.from(bytes))).toBe(true);
    expect(session.errors).toEqual([]);
  });
});
