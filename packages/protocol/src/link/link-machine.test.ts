import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { forEveryChunking } from "@saffron/testkit";
import { SpiceError } from "../wire/errors.js";
import { ExactReader } from "../framing/exact-reader.js";
import { Caps, CommonCap } from "./capabilities.js";
import {
  clientStart,
  clientStep,
  clientTicket,
  serverAccept,
  serverResult,
  serverStart,
  serverStep,
  type ClientLinkOptions,
  type ClientLinkStep,
  type ServerAcceptDecision,
  type ServerLinkStep,
} from "./link-machine.js";
import { ChannelType, LinkErr, encodeLinkMess, encodeLinkResult, parseLinkReply } from "./link-messages.js";
import { encryptTicket, generateTicketKeyPair, verifyTicket } from "./ticket.js";
import { GTK_DISPLAY_MESS, GTK_MAIN_MESS, SERVER_DISPLAY_REPLY, SPKI, hex, toHex } from "./__fixtures__/link-bytes.js";

interface RunOptions {
  client?: Partial<ClientLinkOptions>;
  clientPassword?: string;
  serverPassword?: string | null;
  accept?: (mess: { channelType: number; connectionId: number }) => ServerAcceptDecision | { refuse: number };
  /** Replaces what the client sends (to test a misbehaving client). */
  tamper?: (bytes: Uint8Array, index: number) => Uint8Array;
}

/** Drives both machines in memory: the "few lines of await" a real driver is. */
async function link(o: RunOptions = {}) {
  const keyPair = await generateTicketKeyPair();
  const toServer = new ExactReader();
  const toClient = new ExactReader();
  const wire = { c2s: [] as Uint8Array[], s2c: [] as Uint8Array[] };
  let c: ClientLinkStep = clientStart({ channelType: ChannelType.Main, ...o.client });
  let s: ServerLinkStep = serverStart();
  const flushC = () => c.send.forEach((b) => (toServer.push(o.tamper ? o.tamper(b, wire.c2s.length) : b), wire.c2s.push(b)));
  const flushS = () => s.send.forEach((b) => (wire.s2c.push(b), toClient.push(b)));
  flushC();
  for (let progress = true; progress; ) {
    progress = false;
    const sp = s.phase;
    if ("need" in sp) {
      const b = toServer.read(sp.need);
      if (b) (s = serverStep(sp, b)), flushS(), (progress = true);
    } else if (sp.kind === "need-accept") {
      s = serverAccept(sp, o.accept ? o.accept(sp.mess) : { publicKey: keyPair.publicKeyDer, channelCaps: Caps.of(0, 1) });
      flushS();
      progress = true;
    } else if (sp.kind === "need-ticket-check") {
      s = serverResult(sp, await verifyTicket(keyPair, sp.ticket, o.serverPassword === undefined ? "secret" : o.serverPassword));
      flushS();
      progress = true;
    }
    const cp = c.phase;
    if ("need" in cp) {
      const b = toClient.read(cp.need);
      if (b) (c = clientStep(cp, b)), flushC(), (progress = true);
    } else if (cp.kind === "need-ticket") {
      c = clientTicket(cp, await encryptTicket(cp.publicKey, o.clientPassword ?? "secret"));
      flushC();
      progress = true;
    }
  }
  return { c, s, wire, leftoverToClient: toClient.takeRest(), leftoverToServer: toServer.takeRest() };
}

function failure(step: { phase: { kind: string } }): SpiceError {
  const p = step.phase as { kind: string; error?: SpiceError };
  if (p.kind !== "failed") throw new Error(`expected failed, got ${p.kind}`);
  expect(p.error).toBeInstanceOf(SpiceError);
  return p.error!;
}

const cat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
};

describe("link machine, client and server in memory", () => {
  it("links with the right password", async () => {
    const { c, s, wire } = await link({ client: { channelCaps: Caps.of(0, 1, 2, 3) } });
    expect(c.phase.kind).toBe("ready");
    expect(s.phase.kind).toBe("ready");
    if (c.phase.kind !== "ready" || s.phase.kind !== "ready") return;
    expect(c.phase.link.miniHeader).toBe(true);
    expect(s.phase.link.miniHeader).toBe(true);
    expect(c.phase.link.serverCaps.common.toWords()).toEqual([0x0b]);
    expect(s.phase.link.clientCaps.channel.toWords()).toEqual([0x0f]);
    expect(s.phase.link.mess.channelType).toBe(ChannelType.Main);
    // client: link mess, auth mechanism, ticket; server: reply, result
    expect(wire.c2s.map((b) => b.length)).toEqual([16 + 26, 4, 128]);
    expect(toHex(wire.c2s[1]!)).toBe("01000000");
    expect(wire.s2c.map((b) => b.length)).toEqual([16 + 178 + 8, 4]);
    expect(toHex(wire.s2c[1]!)).toBe("00000000");
    expect(c.done && s.done).toBe(true);
  });

  it("a wrong password gets PERMISSION_DENIED → ERR_SPICE_AUTH on both sides", async () => {
    const { c, s, wire } = await link({ clientPassword: "guess" });
    const ce = failure(c);
    expect([ce.code, ce.linkError]).toEqual(["ERR_SPICE_AUTH", LinkErr.PermissionDenied]);
    expect(ce.message).toMatch(/the password was refused/);
    const se = failure(s);
    expect([se.code, se.linkError]).toEqual(["ERR_SPICE_AUTH", 7]);
    expect(toHex(wire.s2c.at(-1)!)).toBe("07000000");
  });

  it("ticketing off accepts any correctly encrypted password", async () => {
    const { c } = await link({ clientPassword: "whatever", serverPassword: null });
    expect(c.phase.kind).toBe("ready");
  });

  it("a client without AUTH_SELECTION sends the ticket directly; no mini header", async () => {
    const { c, s, wire } = await link({ client: { commonCaps: Caps.of(CommonCap.AuthSpice) } });
    expect(s.phase.kind).toBe("ready");
    expect(c.phase.kind).toBe("ready");
    // the server advertised AUTH_SELECTION, but it reads the mechanism only if the client did too
    expect(wire.c2s.map((b) => b.length)).toEqual([16 + 22, 128]);
    if (c.phase.kind === "ready") expect(c.phase.link.miniHeader).toBe(false);
  });

  it("a server without AUTH_SELECTION gets the ticket without a mechanism word", async () => {
    const kp = await generateTicketKeyPair();
    const { c, s, wire } = await link({
      client: { commonCaps: Caps.of(CommonCap.AuthSpice) },
      accept: () => ({ publicKey: kp.publicKeyDer, commonCaps: Caps.of(CommonCap.AuthSpice) }),
    });
    expect(wire.c2s.map((b) => b.length)).toEqual([16 + 22, 128]);
    // the ticket was encrypted for kp, not the harness's key: refused
    expect(failure(c).linkError).toBe(LinkErr.PermissionDenied);
    expect(failure(s).code).toBe("ERR_SPICE_AUTH");
  });

  it("the server refuses a channel; the client reports the link error", async () => {
    const { c, s, wire } = await link({ accept: () => ({ refuse: LinkErr.ChannelNotAvailable }) });
    expect(wire.s2c[0]!.length).toBe(16 + 178);
    const ce = failure(c);
    expect([ce.code, ce.linkError]).toEqual(["ERR_SPICE_LINK_REFUSED", 9]);
    expect(ce.message).toMatch(/not available/);
    expect(failure(s).linkError).toBe(9);
  });

  it("bad magic → INVALID_MAGIC reply (178 zero bytes but the error)", async () => {
    const { c, s, wire } = await link({ tamper: (b, n) => (n === 0 ? Uint8Array.from(b, (x, i) => (i === 3 ? 0x58 : x)) : b) });
    expect(failure(s).code).toBe("ERR_SPICE_BAD_MAGIC");
    expect(wire.s2c[0]!.length).toBe(194);
    expect(parseLinkReply(wire.s2c[0]!.subarray(16)).error).toBe(LinkErr.InvalidMagic);
    expect([failure(c).code, failure(c).linkError]).toEqual(["ERR_SPICE_LINK_REFUSED", 2]);
  });

  it("major 3 → VERSION_MISMATCH reply; major 0 → closed without reply", async () => {
    const major = (v: number) => (b: Uint8Array, n: number) => (n === 0 ? Uint8Array.from(b, (x, i) => (i === 4 ? v : x)) : b);
    let r = await link({ tamper: major(3) });
    expect(failure(r.s).code).toBe("ERR_SPICE_BAD_VERSION");
    expect(failure(r.c).linkError).toBe(LinkErr.VersionMismatch);
    r = await link({ tamper: major(0) });
    expect(failure(r.s).code).toBe("ERR_SPICE_BAD_VERSION");
    expect(r.wire.s2c).toEqual([]);
    expect(r.c.phase.kind).toBe("awaiting-reply-header");
  });

  it("oversized link or too many caps words → INVALID_DATA", () => {
    let s = serverStep(serverStart().phase, hex("52454451 02000000 02000000 01100000"));
    expect([failure(s).code, failure(s).linkError]).toEqual(["ERR_SPICE_TOO_LARGE", LinkErr.InvalidData]);
    expect(parseLinkReply(s.send[0]!.subarray(16)).error).toBe(LinkErr.InvalidData);
    s = serverStep(serverStart().phase, hex("52454451 02000000 02000000 16000000"));
    expect(s.phase.kind).toBe("awaiting-mess");
    s = serverStep(s.phase, hex("00000000 01 00 01040000 00000000 12000000 0d000000"));
    expect([failure(s).code, failure(s).linkError]).toEqual(["ERR_SPICE_TOO_LARGE", LinkErr.InvalidData]);
    expect(parseLinkReply(s.send[0]!.subarray(16)).error).toBe(LinkErr.InvalidData);
  });

  it("an unsupported auth mechanism gets link result INVALID_DATA", () => {
    let s = serverStep(serverStart().phase, GTK_MAIN_MESS.subarray(0, 16));
    s = serverStep(s.phase, GTK_MAIN_MESS.subarray(16));
    s = serverAccept(s.phase, { publicKey: SPKI });
    expect(s.phase.kind).toBe("awaiting-auth-mechanism");
    s = serverStep(s.phase, hex("02000000"));
    expect(failure(s).linkError).toBe(LinkErr.InvalidData);
    expect(s.send).toEqual([encodeLinkResult(LinkErr.InvalidData)]);
  });

  it("server: parses spice-gtk's display link and replies like spice-server (size 186, caps_offset 178)", () => {
    let s = serverStep(serverStart().phase, GTK_DISPLAY_MESS.subarray(0, 16));
    s = serverStep(s.phase, GTK_DISPLAY_MESS.subarray(16));
    if (s.phase.kind !== "need-accept") throw new Error(s.phase.kind);
    expect(s.phase.mess.connectionId).toBe(0xb6eb0ab6);
    expect(s.phase.mess.caps.channel.toWords()).toEqual([0x3bf]);
    s = serverAccept(s.phase, { publicKey: SPKI, channelCaps: Caps.fromWords([0x1052]) });
    expect(toHex(s.send[0]!)).toBe(toHex(SERVER_DISPLAY_REPLY));
  });

  it("client: spice-server's reply and result in any chunking, data bytes left over", () => {
    const start = clientStart({ channelType: ChannelType.Display, connectionId: 0xb6eb0ab6, commonCaps: Caps.fromWords([0x0d]), channelCaps: Caps.fromWords([0x3bf]) });
    expect(toHex(start.send[0]!)).toBe(toHex(GTK_DISPLAY_MESS));
    const incoming = cat([SERVER_DISPLAY_REPLY, hex("00000000"), hex("0300 08000000 01000000 14000000")]);
    const runs = forEveryChunking(incoming, (chunks) => {
      const r = new ExactReader();
      let c = start;
      const sent: Uint8Array[] = [];
      for (const chunk of chunks) {
        r.push(chunk);
        for (;;) {
          const p = c.phase;
          if (p.kind === "need-ticket") {
            expect(p.publicKey).toEqual(SPKI);
            c = clientTicket(p, new Uint8Array(128));
          } else if ("need" in p) {
            const b = r.read(p.need);
            if (!b) break;
            c = clientStep(p, b);
          } else break;
          sent.push(...c.send);
        }
      }
      expect(c.phase.kind).toBe("ready");
      expect(sent.map(toHex)).toEqual(["01000000", "00".repeat(128)]);
      if (c.phase.kind === "ready") expect(c.phase.link.miniHeader).toBe(true);
      expect(toHex(cat(r.takeRest()))).toBe("0300080000000100000014000000");
    });
    expect(runs).toBeGreaterThan(200);
  });

  it("client: a server that requires SASL is reported as ERR_SPICE_AUTH", () => {
    const reply = SERVER_DISPLAY_REPLY.slice();
    reply[16 + 4 + 162 + 12] = 0x05; // common caps AUTH_SELECTION | AUTH_SASL
    let c = clientStart({ channelType: 2 });
    c = clientStep(c.phase, reply.subarray(0, 16));
    c = clientStep(c.phase, reply.subarray(16));
    expect(failure(c).code).toBe("ERR_SPICE_AUTH");
    expect(failure(c).message).toMatch(/SASL/);
  });

  it("driver misuse throws plain Errors", () => {
    const c = clientStart({ channelType: 1 });
    expect(() => clientStep(c.phase, new Uint8Array(15))).toThrow(/exactly 16/);
    expect(() => clientTicket(c.phase, new Uint8Array(128))).toThrow(/phase is/);
    expect(() => serverAccept(serverStart().phase, { publicKey: SPKI })).toThrow(/phase is/);
    expect(() => serverResult(serverStart().phase, 0)).toThrow(/phase is/);
  });

  it("random bytes into either machine end in `failed` with a SpiceError or carry on, never throw (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 400 }), fc.boolean(), (head, body, realHeader) => {
        if (realHeader) head = Uint8Array.from([0x52, 0x45, 0x44, 0x51, 2, 0, 0, 0, 2, 0, 0, 0, body.length & 255, body.length >> 8, 0, 0]);
        // server
        let s = serverStep(serverStart().phase, head);
        if (s.phase.kind === "awaiting-mess") {
          s = serverStep(s.phase, body.subarray(0, s.phase.need).length === s.phase.need ? body.subarray(0, s.phase.need) : new Uint8Array(s.phase.need));
        }
        if (s.phase.kind === "failed") expect(s.phase.error).toBeInstanceOf(SpiceError);
        // client
        let c = clientStart({ channelType: 1 });
        c = clientStep(c.phase, head);
        if (c.phase.kind === "awaiting-reply") {
          const need = c.phase.need;
          c = clientStep(c.phase, body.length >= need ? body.subarray(0, need) : cat([body, new Uint8Array(need - body.length)]));
        }
        if (c.phase.kind === "failed") expect(c.phase.error).toBeInstanceOf(SpiceError);
      }),
      { numRuns: 400 },
    );
  });

  it("the LinkMess the client writes is what the server reads (property)", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 5 }),
        fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 5 }),
        (connectionId, channelType, channelId, common, channel) => {
          const start = clientStart({ connectionId, channelType, channelId, commonCaps: Caps.fromWords(common), channelCaps: Caps.fromWords(channel) });
          const bytes = start.send[0]!;
          expect(bytes).toEqual(encodeLinkMess(start.phase.kind === "awaiting-reply-header" ? start.phase.mess : (null as never)));
          let s = serverStep(serverStart().phase, bytes.subarray(0, 16));
          s = serverStep(s.phase, bytes.subarray(16));
          if (s.phase.kind !== "need-accept") throw new Error(s.phase.kind);
          expect(s.phase.mess.connectionId).toBe(connectionId);
          expect([s.phase.mess.channelType, s.phase.mess.channelId]).toEqual([channelType, channelId]);
          expect(s.phase.mess.caps.common.toWords()).toEqual(common);
          expect(s.phase.mess.caps.channel.toWords()).toEqual(channel);
        },
      ),
      { numRuns: 200 },
    );
  });
});
