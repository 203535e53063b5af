import {
  AuthMechanism,
  Caps,
  ChannelType,
  CommonCap,
  LinkErr,
  encodeAuthMechanism,
  encodeLinkErrorReply,
  encodeLinkMess,
  encodeLinkReply,
  encodeLinkResult,
  generateTicketKeyPair,
  ticketPasswordBytes,
  type TicketKeyPair,
} from "@saffron/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { TicketRewriter } from "./ticket-rewriter.js";

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
};

let keys: TicketKeyPair;
beforeAll(async () => {
  keys = await generateTicketKeyPair();
});

function harness(password = "s3cret") {
  const toServer: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];
  const linked: number[] = [];
  const errors: Error[] = [];
  const rw = new TicketRewriter({
    password,
    toServer: (b) => toServer.push(b.slice()),
    toClient: (b) => toClient.push(b.slice()),
    onLinked: (i) => linked.push(i.result),
    onError: (e) => errors.push(e),
  });
  return { rw, toServer, toClient, linked, errors };
}

const mess = (common = Caps.of(CommonCap.AuthSelection, CommonCap.MiniHeader)) =>
  encodeLinkMess({ connectionId: 0, channelType: ChannelType.Main, channelId: 0, caps: { common, channel: new Caps() } });
const reply = (common = Caps.of(CommonCap.AuthSelection, CommonCap.AuthSpice, CommonCap.MiniHeader)) =>
  encodeLinkReply({ error: 0, pubKey: keys.publicKeyDer, caps: { common, channel: Caps.of(1) } });
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

function feedBytewise(fn: (b: Uint8Array) => void, bytes: Uint8Array) {
  for (let i = 0; i < bytes.length; i++) fn(bytes.subarray(i, i + 1));
}

describe("TicketRewriter", () => {
  it("replaces the client's ticket with the configured password, byte-wise input, data after in order", async () => {
    const h = harness("s3cret");
    const clientTicket = new Uint8Array(128).fill(7);
    const m = mess();
    feedBytewise((b) => h.rw.fromClient(b), m);
    const r = reply();
    feedBytewise((b) => h.rw.fromServer(b), r);
    const after = Uint8Array.of(1, 2, 3, 4, 5);
    feedBytewise((b) => h.rw.fromClient(b), concat([encodeAuthMechanism(AuthMechanism.Spice), clientTicket, after]));
    await until(() => h.rw.passing || h.errors.length > 0);
    h.rw.fromServer(encodeLinkResult(LinkErr.Ok));
    h.rw.fromServer(Uint8Array.of(9, 9));
    h.rw.fromClient(Uint8Array.of(6));
    await until(() => h.linked.length > 0);
    expect(h.errors).toEqual([]);
    const sent = concat(h.toServer);
    expect(sent.subarray(0, m.length)).toEqual(m);
    expect(sent.subarray(m.length, m.length + 4)).toEqual(encodeAuthMechanism(AuthMechanism.Spice));
    const ticket = sent.subarray(m.length + 4, m.length + 132);
    expect(ticket).not.toEqual(clientTicket);
    expect(new TextDecoder().decode(ticketPasswordBytes(await keys.decrypt(ticket)))).toBe("s3cret");
    expect(sent.subarray(m.length + 132)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect(concat(h.toClient)).toEqual(concat([r, encodeLinkResult(0), Uint8Array.of(9, 9)]));
    expect(h.linked).toEqual([0]);
    expect(h.rw.substituted).toBe(true);
  });

  it("handles a server without AUTH_SELECTION (ticket straight after the reply)", async () => {
    const h = harness("pw");
    h.rw.fromServer(reply(Caps.of(CommonCap.AuthSpice)));
    h.rw.fromClient(concat([mess(new Caps()), new Uint8Array(128)]));
    await until(() => h.toServer.length >= 3);
    const sent = concat(h.toServer);
    const ticket = sent.subarray(sent.length - 128);
    expect(new TextDecoder().decode(ticketPasswordBytes(await keys.decrypt(ticket)))).toBe("pw");
  });

  it("passes SASL and refused links through untouched", async () => {
    const sasl = harness();
    sasl.rw.fromClient(mess());
    sasl.rw.fromServer(reply());
    const rest = concat([encodeAuthMechanism(AuthMechanism.Sasl), Uint8Array.of(1, 2, 3)]);
    sasl.rw.fromClient(rest);
    expect(concat(sasl.toServer)).toEqual(concat([mess(), rest]));
    expect(sasl.rw.substituted).toBe(false);

    const refused = harness();
    refused.rw.fromClient(mess());
    const err = encodeLinkErrorReply(LinkErr.ChannelNotAvailable);
    refused.rw.fromServer(err);
    expect(concat(refused.toClient)).toEqual(err);
    expect(refused.linked).toEqual([LinkErr.ChannelNotAvailable]);
    refused.rw.fromClient(Uint8Array.of(5));
    expect(concat(refused.toServer)).toEqual(concat([mess(), Uint8Array.of(5)]));
  });

  it("reports a non-SPICE peer as a typed error and forwards nothing more", () => {
    const h = harness();
    h.rw.fromClient(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
    expect(h.errors.map((e) => (e as { code?: string }).code)).toEqual(["ERR_SPICE_BAD_MAGIC"]);
    expect(h.toServer).toEqual([]);
    h.rw.fromClient(Uint8Array.of(1));
    expect(h.toServer).toEqual([]);
    const s = harness();
    s.rw.fromClient(mess());
    s.rw.fromServer(new Uint8Array(16).fill(0xff));
    expect(s.errors.length).toBe(1);
  });

  it("refuses a server reply without a ticket key (SASL-only server) as an error", async () => {
    const h = harness();
    h.rw.fromClient(mess());
    h.rw.fromServer(encodeLinkReply({ error: 0, pubKey: new Uint8Array(162), caps: { common: Caps.of(CommonCap.AuthSelection), channel: new Caps() } }));
    h.rw.fromClient(concat([encodeAuthMechanism(AuthMechanism.Spice), new Uint8Array(128)]));
    await until(() => h.errors.length > 0);
    expect((h.errors[0] as { code?: string }).code).toBe("ERR_SPICE_AUTH");
  });
});
