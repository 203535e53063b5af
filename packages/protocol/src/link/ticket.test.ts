import { constants, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { SpiceError } from "../wire/errors.js";
import { LinkErr } from "./link-messages.js";
import {
  SPICE_MAX_PASSWORD_LENGTH,
  encryptTicket,
  generateTicketKeyPair,
  ticketPasswordBytes,
  ticketPlaintext,
  utf8Encode,
  verifyTicket,
  type TicketKeyPair,
} from "./ticket.js";
import { toHex } from "./__fixtures__/link-bytes.js";

const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" } as const;
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

/** A Node-crypto TicketKeyPair (test only), the way a Node server could also do it. */
function nodeKeyPair(): TicketKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024, publicExponent: 65537 });
  return {
    publicKeyDer: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    decrypt: async (ticket) => new Uint8Array(privateDecrypt({ key: privateKey, ...oaep }, ticket)),
  };
}

async function rejects(p: Promise<unknown>): Promise<SpiceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SpiceError);
    return e as SpiceError;
  }
  throw new Error("did not reject");
}

describe("ticket", () => {
  it("WebCrypto key pair: 162-byte SPKI like spice-server's, encrypt/decrypt round trip", async () => {
    const kp = await generateTicketKeyPair();
    expect(kp.publicKeyDer.length).toBe(162);
    expect(toHex(kp.publicKeyDer.subarray(0, 29))).toBe("30819f300d06092a864886f70d010101050003818d0030818902818100");
    expect(toHex(kp.publicKeyDer.subarray(157))).toBe("0203010001");
    const ticket = await encryptTicket(kp.publicKeyDer, "s3cret");
    expect(ticket.length).toBe(128);
    expect(text(await kp.decrypt(ticket))).toBe("s3cret\0");
    expect(await verifyTicket(kp, ticket, "s3cret")).toBe(LinkErr.Ok);
    expect(await verifyTicket(kp, ticket, "s3cre")).toBe(LinkErr.PermissionDenied);
    expect(await verifyTicket(kp, ticket, "s3cret!")).toBe(LinkErr.PermissionDenied);
    expect(await verifyTicket(kp, ticket, null)).toBe(LinkErr.Ok);
    // garbage is refused even with ticketing off, as spice-server does
    expect(await verifyTicket(kp, new Uint8Array(128).fill(7), null)).toBe(LinkErr.PermissionDenied);
    expect(await verifyTicket(kp, new Uint8Array(128).fill(7), "s3cret")).toBe(LinkErr.PermissionDenied);
  });

  it("empty password: encrypts a lone NUL", async () => {
    const kp = await generateTicketKeyPair();
    const t = await encryptTicket(kp.publicKeyDer, "");
    expect(Array.from(await kp.decrypt(t))).toEqual([0]);
    expect(await verifyTicket(kp, t, "")).toBe(LinkErr.Ok);
    expect(await verifyTicket(kp, t, "x")).toBe(LinkErr.PermissionDenied);
  });

  it("interoperates with Node crypto (publicEncrypt / privateDecrypt, OAEP SHA-1)", async () => {
    // our client → a Node-crypto server key
    const nodeKp = nodeKeyPair();
    expect(nodeKp.publicKeyDer.length).toBe(162);
    const t = await encryptTicket(nodeKp.publicKeyDer, "pässwörd");
    expect(Buffer.from(await nodeKp.decrypt(t)).toString("utf8")).toBe("pässwörd\0");
    expect(await verifyTicket(nodeKp, t, "pässwörd")).toBe(LinkErr.Ok);

    // a Node-crypto client (like spice-server's accepted tickets) → our WebCrypto server key,
    // with and without the trailing NUL
    const kp = await generateTicketKeyPair();
    const pub = createPublicKey({ key: Buffer.from(kp.publicKeyDer), format: "der", type: "spki" });
    const withNul = new Uint8Array(publicEncrypt({ key: pub, ...oaep }, Buffer.from("hunter2\0")));
    const withoutNul = new Uint8Array(publicEncrypt({ key: pub, ...oaep }, Buffer.from("hunter2")));
    expect(withNul.length).toBe(128);
    expect(await verifyTicket(kp, withNul, "hunter2")).toBe(LinkErr.Ok);
    expect(await verifyTicket(kp, withoutNul, "hunter2")).toBe(LinkErr.Ok);
    expect(await verifyTicket(kp, withoutNul, "hunter")).toBe(LinkErr.PermissionDenied);
  });

  it("limits passwords to 60 UTF-8 bytes", async () => {
    expect(ticketPlaintext("a".repeat(SPICE_MAX_PASSWORD_LENGTH)).length).toBe(61);
    expect(ticketPlaintext("é".repeat(30)).length).toBe(61);
    expect(() => ticketPlaintext("é".repeat(31))).toThrow(SpiceError);
    const kp = await generateTicketKeyPair();
    const e = await rejects(encryptTicket(kp.publicKeyDer, "a".repeat(61)));
    expect(e.code).toBe("ERR_SPICE_AUTH");
    expect(e.message).toMatch(/at most 60/);
  });

  it("refuses an all-zero key (SASL) and a malformed or non-1024-bit key", async () => {
    expect((await rejects(encryptTicket(new Uint8Array(162), "x"))).code).toBe("ERR_SPICE_AUTH");
    expect((await rejects(encryptTicket(new Uint8Array(162).fill(0x30), "x"))).code).toBe("ERR_SPICE_MALFORMED");
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
    const der = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const e = await rejects(encryptTicket(der, "x"));
    expect(e.code).toBe("ERR_SPICE_MALFORMED");
    expect(e.message).toMatch(/RSA-1024/);
  });

  describe("without WebCrypto (a browser page that is not a secure context)", () => {
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    it("encrypts with the built-in RSA-OAEP-SHA1 when told to (subtle null): Node and WebCrypto servers accept it", async () => {
      const nodeKp = nodeKeyPair();
      for (const pw of ["", "s3cret", "pässwörd", "a".repeat(SPICE_MAX_PASSWORD_LENGTH)]) {
        const t = await encryptTicket(nodeKp.publicKeyDer, pw, null);
        expect(t.length).toBe(128);
        expect(Buffer.from(await nodeKp.decrypt(t)).toString("utf8")).toBe(pw + "\0");
      }
      const kp = await generateTicketKeyPair();
      const t = await encryptTicket(kp.publicKeyDer, "hunter2", null);
      expect(await verifyTicket(kp, t, "hunter2")).toBe(LinkErr.Ok);
      expect(await verifyTicket(kp, t, "hunter3")).toBe(LinkErr.PermissionDenied);
    });

    it("falls back by itself when the platform has crypto.getRandomValues but no crypto.subtle", async () => {
      const nodeKp = nodeKeyPair();
      const real = globalThis.crypto;
      vi.stubGlobal("crypto", { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
      const t = await encryptTicket(nodeKp.publicKeyDer, "insecure-context");
      expect(Buffer.from(await nodeKp.decrypt(t)).toString("utf8")).toBe("insecure-context\0");
    });

    it("fails clearly when there is not even crypto.getRandomValues", async () => {
      const nodeKp = nodeKeyPair();
      vi.stubGlobal("crypto", undefined);
      await expect(encryptTicket(nodeKp.publicKeyDer, "x")).rejects.toThrow(/getRandomValues is not available/);
    });

    it("refuses the same keys as the WebCrypto path, with the same codes", async () => {
      expect((await rejects(encryptTicket(new Uint8Array(162), "x", null))).code).toBe("ERR_SPICE_AUTH");
      const bad = await rejects(encryptTicket(new Uint8Array(162).fill(0x30), "x", null));
      expect(bad.code).toBe("ERR_SPICE_MALFORMED");
      expect(bad.cause).toBeInstanceOf(SpiceError);
      const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
      const e = await rejects(encryptTicket(new Uint8Array(publicKey.export({ type: "spki", format: "der" })), "x", null));
      expect(e.code).toBe("ERR_SPICE_MALFORMED");
      expect(e.message).toMatch(/RSA-1024/);
      expect((await rejects(encryptTicket(nodeKeyPair().publicKeyDer, "a".repeat(61), null))).code).toBe("ERR_SPICE_AUTH");
    });
  });

  it("ticketPasswordBytes stops at the first NUL", () => {
    expect(Array.from(ticketPasswordBytes(Uint8Array.of(97, 98, 0, 99)))).toEqual([97, 98]);
    expect(Array.from(ticketPasswordBytes(Uint8Array.of(97, 98)))).toEqual([97, 98]);
  });

  it("utf8Encode matches TextEncoder (property)", () => {
    const te = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ maxLength: 10 }), (a, b) => {
        const s = a + "\ud800" + b + "\udc00";
        expect(utf8Encode(a)).toEqual(te.encode(a));
        expect(utf8Encode(s)).toEqual(te.encode(s));
      }),
      { numRuns: 300 },
    );
  });
});
