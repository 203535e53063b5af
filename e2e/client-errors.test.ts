// Failure paths of the Node client and the CLI, against a real Xspice and against a hostile
// fake server: every failure must be a typed SpiceError (or one clear CLI line and a non-zero
// exit), never an uncaught exception, a hang or a huge allocation.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connectSpice } from "@saffron/client/node";
import {
  display as dsp,
  generateTicketKeyPair,
  image as img,
  LinkErr,
  main as mainMsg,
  serverAccept,
  serverResult,
  serverStart,
  serverStep,
  SpiceError,
  type ServerLinkStep,
  type TicketKeyPair,
} from "@saffron/protocol";
import {
  diffImages,
  freePort,
  openXterm,
  readPng,
  saveComparison,
  setRootColor,
  spicyScreenshot,
  startXspice,
  stopAllPeers,
  type XspiceServer,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "packages/cli/dist/bin.js");

// Anything that escapes as an unhandled rejection / uncaught exception is a failure.
const escaped: unknown[] = [];
const onEscape = (e: unknown) => void escaped.push(e);
process.on("unhandledRejection", onEscape);
process.on("uncaughtException", onEscape);

afterAll(async () => {
  process.off("unhandledRejection", onEscape);
  process.off("uncaughtException", onEscape);
  await stopAllPeers();
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const base = { ...process.env };
  delete base.SPICE_PASSWORD;
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 99) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split("\n").filter((l) => l.length > 0);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    const v = await p;
    (v as { close?: () => void })?.close?.();
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("against a real Xspice with a password", () => {
  const password = "right-pw";
  let xspice: XspiceServer;
  let tmp: string;

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} missing: run 'npx tsc -b' first`);
    tmp = mkdtempSync(join(tmpdir(), "saffron-cli-"));
    xspice = await startXspice({ password });
    await setRootColor(xspice.display, "#556b2f");
    await openXterm(xspice.display, { text: "saffron cli test\n", geometry: "40x6+30+30" });
  });
  afterAll(async () => {
    await xspice?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("connectSpice rejects a wrong password with ERR_SPICE_AUTH", async () => {
    const e = await rejection(connectSpice(`spice://127.0.0.1:${xspice.port}`, { password: "wrong" }));
    expect(e).toBeInstanceOf(SpiceError);
    expect((e as SpiceError).code).toBe("ERR_SPICE_AUTH");
    const none = await rejection(connectSpice(`spice://127.0.0.1:${xspice.port}`, {}));
    expect((none as SpiceError).code).toBe("ERR_SPICE_AUTH");
  });

  it("CLI screenshot: a wrong password (env or file) is one stderr line and a non-zero exit", async () => {
    const out = join(tmp, "wrong.png");
    const viaEnv = await cli(["screenshot", `spice://127.0.0.1:${xspice.port}`, "-o", out], { SPICE_PASSWORD: "nope" });
    expect(viaEnv.code).not.toBe(0);
    expect(lines(viaEnv.stderr), viaEnv.stderr).toHaveLength(1);
    expect(viaEnv.stderr).toMatch(/ERR_SPICE_AUTH/);
    console.info(`stderr: ${viaEnv.stderr.trim()}`);

    const file = join(tmp, "wrong-password");
    writeFileSync(file, "still-wrong\n");
    const viaFile = await cli(["screenshot", `spice://127.0.0.1:${xspice.port}`, "-o", out, "--password-file", file]);
    expect(viaFile.code).not.toBe(0);
    expect(lines(viaFile.stderr), viaFile.stderr).toHaveLength(1);
    expect(viaFile.stderr).toMatch(/ERR_SPICE_AUTH/);
    expect(existsSync(out)).toBe(false);
  });

  it("CLI screenshot: an unreachable port is one stderr line and a non-zero exit", async () => {
    const port = await freePort();
    const r = await cli(["screenshot", `spice://127.0.0.1:${port}`, "-o", join(tmp, "none.png")]);
    expect(r.code).not.toBe(0);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/ERR_SPICE_CONNECT/);
    console.info(`stderr: ${r.stderr.trim()}`);
  });

  it("CLI screenshot with the right password writes the same picture as spicy-screenshot", async () => {
    const file = join(tmp, "right-password");
    writeFileSync(file, `${password}\n`);
    const out = join(tmp, "right.png");
    const r = await cli(["screenshot", `spice://127.0.0.1:${xspice.port}`, "-o", out, "--password-file", file]);
    expect(r.code, r.stderr).toBe(0);
    const ours = readPng(out);
    const reference = await spicyScreenshot({ port: xspice.port, password });
    const diff = diffImages(ours, reference);
    if (diff.differentPixels !== 0) {
      saveComparison("client-errors-cli-screenshot", ours, reference);
      throw new Error(`${diff.differentPixels} pixels differ from spicy-screenshot; see artifacts/`);
    }
  });

  it("CLI info --json lists the channels and the mouse mode", async () => {
    const r = await cli(["info", `spice://127.0.0.1:${xspice.port}`, "--json"], { SPICE_PASSWORD: password });
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { channels: string[]; mouseMode: { current: string; supported: string } };
    for (const ch of ["display", "inputs", "cursor"]) expect(info.channels.some((c) => c.startsWith(`${ch}:`)), info.channels.join()).toBe(true);
    expect(info.mouseMode.current).toMatch(/^(server|client)$/);
    expect(info.mouseMode.supported).toContain("server");
  });
});

describe("CLI decode", () => {
  it("decodes the term_1280x800 QUIC vector to the reference PNG", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saffron-decode-"));
    try {
      const vectors = join(ROOT, "packages/codecs/__fixtures__/vectors");
      const out = join(dir, "term.png");
      const r = await cli(["decode", join(vectors, "term_1280x800.quic"), "-o", out]);
      expect(r.code, r.stderr).toBe(0);
      const diff = diffImages(readPng(out), readPng(join(vectors, "term_1280x800.png")));
      expect(diff.differentPixels).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------
// A hostile fake server.

/** Buffered exact reads from a socket. */
class Reader {
  private buf = new Uint8Array(0);
  private wake?: () => void;
  private ended = false;

  constructor(socket: Socket) {
    socket.on("data", (d: Buffer) => {
      const next = new Uint8Array(this.buf.length + d.length);
      next.set(this.buf);
      next.set(d, this.buf.length);
      this.buf = next;
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", end);
  }

  async read(n: number): Promise<Uint8Array> {
    while (this.buf.length < n) {
      if (this.ended) throw new Error("client went away");
      await new Promise<void>((r) => (this.wake = r));
    }
    const out = this.buf.slice(0, n);
    this.buf = this.buf.slice(n);
    return out;
  }
}

/** Runs the real server link machine (any ticket accepted) so the misbehaviour starts after a valid link. */
async function acceptLink(socket: Socket, reader: Reader, keys: TicketKeyPair): Promise<number> {
  let step: ServerLinkStep = serverStart();
  for (;;) {
    for (const b of step.send) socket.write(b);
    const ph = step.phase;
    if (ph.kind === "ready") return ph.link.mess.channelType;
    if (ph.kind === "failed") throw ph.error;
    if (ph.kind === "need-accept") step = serverAccept(ph, { publicKey: keys.publicKeyDer });
    else if (ph.kind === "need-ticket-check") step = serverResult(ph, LinkErr.Ok);
    else step = serverStep(ph, await reader.read(ph.need));
  }
}

/** A 6-byte mini header (type u16, size u32, little-endian) + body. */
function message(type: number, body: Uint8Array, declaredSize = body.length): Uint8Array {
  const out = new Uint8Array(6 + body.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, type, true);
  v.setUint32(2, declaredSize, true);
  out.set(body, 6);
  return out;
}

const mainInit = () =>
  message(
    mainMsg.mainServer.ids.Init,
    mainMsg.mainServer.encode("Init", {
      sessionId: 7, displayChannelsHint: 1, supportedMouseModes: 1, currentMouseMode: 1,
      agentConnected: 0, agentTokens: 0, multiMediaTime: 0, ramHint: 0,
    }),
  );
const channelsList = (channels: { type: number; id: number }[]) =>
  message(mainMsg.mainServer.ids.ChannelsList, mainMsg.mainServer.encode("ChannelsList", { channels }));

/** Deterministic pseudo-random bytes (failures must reproduce). */
function seededBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

type Script = (socket: Socket, reader: Reader, keys: TicketKeyPair) => Promise<void>;

async function hostile(script: Script): Promise<{ port: number; server: Server }> {
  const keys = await generateTicketKeyPair();
  const server = createServer((socket) => {
    socket.on("error", () => {});
    const reader = new Reader(socket);
    script(socket, reader, keys).catch(() => socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return { port: address.port, server };
}

interface HostileCase {
  name: string;
  script: Script;
  /** Acceptable error codes. */
  codes: string[];
  /** The session may connect and record the error afterwards (channel past main). */
  mayConnect?: boolean;
}

const linkHeaderOnly = async (reader: Reader) => {
  await reader.read(16); // link header
};

const CASES: HostileCase[] = [
  {
    name: "garbage instead of a link reply",
    script: async (s, r) => {
      await linkHeaderOnly(r);
      s.end(seededBytes(200, 1));
    },
    codes: ["ERR_SPICE_BAD_MAGIC"],
  },
  {
    name: "truncated link reply, then close",
    script: async (s, r, keys) => {
      await r.read(16);
      const reply = new Uint8Array(16);
      new DataView(reply.buffer).setUint32(0, 0x51444552, true);
      new DataView(reply.buffer).setUint32(4, 2, true);
      new DataView(reply.buffer).setUint32(8, 2, true);
      new DataView(reply.buffer).setUint32(12, 4 + 162 + 12 + 4, true);
      s.write(reply);
      s.end(keys.publicKeyDer.subarray(0, 40));
    },
    codes: ["ERR_SPICE_CLOSED", "ERR_SPICE_TRUNCATED"],
  },
  {
    name: "absurd link reply size",
    script: async (s, r) => {
      await r.read(16);
      const reply = new Uint8Array(16);
      const v = new DataView(reply.buffer);
      v.setUint32(0, 0x51444552, true);
      v.setUint32(4, 2, true);
      v.setUint32(8, 2, true);
      v.setUint32(12, 0xfffffff0, true);
      s.write(reply); // and keep the connection open
    },
    codes: ["ERR_SPICE_TOO_LARGE", "ERR_SPICE_MALFORMED"],
  },
  {
    name: "valid link, then a message declaring 4 GiB",
    script: async (s, r, keys) => {
      await acceptLink(s, r, keys);
      s.write(message(mainMsg.mainServer.ids.Init, new Uint8Array(8), 0xfffffff0));
    },
    codes: ["ERR_SPICE_TOO_LARGE"],
  },
  {
    name: "valid link, then random garbage",
    script: async (s, r, keys) => {
      await acceptLink(s, r, keys);
      s.write(seededBytes(4096, 2));
    },
    codes: ["ERR_SPICE_TOO_LARGE", "ERR_SPICE_UNKNOWN_MESSAGE", "ERR_SPICE_MALFORMED", "ERR_SPICE_TRUNCATED", "ERR_SPICE_TIMEOUT"],
  },
  {
    name: "valid link, then a truncated MAIN_INIT",
    script: async (s, r, keys) => {
      await acceptLink(s, r, keys);
      s.write(message(mainMsg.mainServer.ids.Init, new Uint8Array(10)));
    },
    codes: ["ERR_SPICE_TRUNCATED"],
  },
  {
    name: "valid link, MAIN_INIT, then a channel list claiming 4 billion channels",
    script: async (s, r, keys) => {
      await acceptLink(s, r, keys);
      s.write(mainInit());
      const body = new Uint8Array(4 + 2 * 3);
      new DataView(body.buffer).setUint32(0, 0xffffffff, true);
      s.write(message(mainMsg.mainServer.ids.ChannelsList, body));
    },
    codes: ["ERR_SPICE_TOO_LARGE", "ERR_SPICE_TRUNCATED", "ERR_SPICE_MALFORMED"],
  },
  {
    name: "valid link, then silence",
    script: async (s, r, keys) => {
      await acceptLink(s, r, keys);
    },
    codes: ["ERR_SPICE_TIMEOUT"],
  },
  {
    name: "display channel: an absurd surface, then a corrupt QUIC image",
    mayConnect: true,
    script: async (s, r, keys) => {
      const type = await acceptLink(s, r, keys);
      if (type === 1) {
        s.write(mainInit());
        s.write(channelsList([{ type: 2, id: 0 }]));
        return;
      }
      const d = dsp.displayServer;
      s.write(message(d.ids.SurfaceCreate, d.encode("SurfaceCreate", { surfaceId: 0, width: 200_000, height: 200_000, format: 32, flags: 1 })));
    },
    codes: ["ERR_SPICE_TOO_LARGE"],
  },
];

describe("against a hostile server", () => {
  it.each(CASES)("$name: a typed SpiceError, the process stays up", async (c) => {
    const { port, server } = await hostile(c.script);
    try {
      const started = Date.now();
      let error: unknown;
      try {
        const session = await connectSpice(`spice://127.0.0.1:${port}`, { password: "x", timeoutMs: 1500 });
        try {
          if (!c.mayConnect) throw new Error("connected to a hostile server");
          const deadline = Date.now() + 5000;
          while (session.errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          error = session.errors[0]?.error;
        } finally {
          session.close();
        }
      } catch (e) {
        error = e;
      }
      expect(error, String(error)).toBeInstanceOf(SpiceError);
      expect(c.codes, `${(error as SpiceError).code}: ${(error as Error).message}`).toContain((error as SpiceError).code);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(escaped).toEqual([]);
    } finally {
      server.close();
    }
  });

  it("display channel: a corrupt QUIC image in DRAW_COPY is recorded as ERR_QUIC_CORRUPT", async () => {
    const { port, server } = await hostile(async (s, r, keys) => {
      const type = await acceptLink(s, r, keys);
      if (type === 1) {
        s.write(mainInit());
        s.write(channelsList([{ type: 2, id: 0 }]));
        return;
      }
      const d = dsp.displayServer;
      s.write(message(d.ids.SurfaceCreate, d.encode("SurfaceCreate", { surfaceId: 0, width: 64, height: 64, format: 32, flags: 1 })));
      // DRAW_COPY hand-built: base (surface 0, box 0,0-16,16, clip none), src image pointer,
      // src area, rop, scale mode, mask (none); the image: descriptor QUIC + random data.
      const body: number[] = [];
      const u32 = (v: number) => body.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
      const u16 = (v: number) => body.push(v & 255, (v >>> 8) & 255);
      u32(0); // surface id
      u32(0); u32(0); u32(16); u32(16); // box top, left, bottom, right
      body.push(0); // clip type none
      const imagePtrAt = body.length;
      u32(0); // src_bitmap pointer (patched below)
      u32(0); u32(0); u32(16); u32(16); // src area
      u16(dsp.Ropd.OpPut);
      body.push(0); // scale mode
      body.push(0); u32(0); u32(0); u32(0); // mask: flags, pos x, pos y, bitmap ptr (null)
      const imageAt = body.length;
      body.splice(imagePtrAt, 4, imageAt & 255, (imageAt >>> 8) & 255, 0, 0);
      u32(1); u32(0); // id (u64)
      body.push(img.ImageType.Quic);
      body.push(0); // flags
      u32(16); u32(16); // width, height
      const junk = seededBytes(64, 3);
      u32(junk.length);
      body.push(...junk);
      s.write(message(d.ids.DrawCopy, Uint8Array.from(body)));
    });
    try {
      const session = await connectSpice(`spice://127.0.0.1:${port}`, { timeoutMs: 1500 });
      try {
        const deadline = Date.now() + 5000;
        while (session.errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const e = session.errors[0]?.error;
        expect(e).toBeInstanceOf(SpiceError);
        expect(e!.code, e!.message).toBe("ERR_QUIC_CORRUPT");
      } finally {
        session.close();
      }
      expect(escaped).toEqual([]);
    } finally {
      server.close();
    }
  });

  it.each(["main", "display"] as const)("%s channel: every server message type with a random body gives typed errors only", async (channel) => {
    const set = channel === "main" ? mainMsg.mainServer : dsp.displayServer;
    const d = dsp.displayServer;
    const types = Object.values(set.ids) as number[];
    const failures: string[] = [];
    const codes = new Map<string, number>();
    for (const [i, type] of types.entries()) {
      const body = seededBytes(8 + ((i * 37) % 120), 100 + i);
      // A sentinel fault after the random message, so a body that happens to be harmless still
      // ends in an error. It must be a well-framed message (handled in order): a framing fault
      // such as an absurd size is detected as soon as its header arrives, before earlier
      // messages are handled, and would hide them.
      const sentinel =
        channel === "main"
          ? message(mainMsg.mainServer.ids.ChannelsList, new Uint8Array(2))
          : message(d.ids.SurfaceCreate, d.encode("SurfaceCreate", { surfaceId: 1, width: 1 << 20, height: 1 << 20, format: 32, flags: 0 }));
      const { port, server } = await hostile(async (s, r, keys) => {
        const ch = await acceptLink(s, r, keys);
        if (ch === 1) {
          s.write(mainInit());
          s.write(channelsList(channel === "display" ? [{ type: 2, id: 0 }] : []));
          if (channel === "main") {
            await new Promise((res) => setTimeout(res, 50)); // let connectSpice resolve first
            s.write(message(type, body));
            s.write(sentinel);
          }
          return;
        }
        s.write(message(d.ids.SurfaceCreate, d.encode("SurfaceCreate", { surfaceId: 0, width: 64, height: 64, format: 32, flags: 1 })));
        s.write(message(type, body));
        s.write(sentinel);
      });
      try {
        const session = await connectSpice(`spice://127.0.0.1:${port}`, { timeoutMs: 1500 });
        try {
          const deadline = Date.now() + 3000;
          while (session.errors.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
          const e = session.errors[0]?.error;
          if (!(e instanceof SpiceError)) failures.push(`type ${type}: no typed error (${String(e)})`);
          else if (/internal error/.test(e.message)) failures.push(`type ${type}: ${e.message}`);
          else codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        } finally {
          session.close();
        }
      } catch (e) {
        if (e instanceof SpiceError && !/internal error/.test(e.message)) codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        else failures.push(`type ${type}: connect failed: ${String(e)}`);
      } finally {
        server.close();
      }
    }
    console.info(`fuzzed ${types.length} ${channel} message types: ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(failures).toEqual([]);
    expect(escaped).toEqual([]);
  });
});
