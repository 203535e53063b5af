import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SpiceError } from "../wire/errors.js";
import { Caps } from "./capabilities.js";
import {
  ChannelType,
  LINK_HEADER_SIZE,
  LINK_MESS_FIXED_SIZE,
  LINK_REPLY_FIXED_SIZE,
  LINK_RESULT_SIZE,
  LinkErr,
  encodeAuthMechanism,
  encodeLinkErrorReply,
  encodeLinkMess,
  encodeLinkReply,
  encodeLinkResult,
  linkErrMessage,
  linkErrName,
  linkRefused,
  parseLinkHeader,
  parseLinkMess,
  parseLinkReply,
} from "./link-messages.js";
import { GTK_CURSOR_MESS, GTK_MAIN_MESS, SERVER_DISPLAY_REPLY, SPKI, hex, toHex } from "./__fixtures__/link-bytes.js";

describe("link messages", () => {
  it("derives the fixed sizes from the schemas", () => {
    expect([LINK_HEADER_SIZE, LINK_MESS_FIXED_SIZE, LINK_REPLY_FIXED_SIZE, LINK_RESULT_SIZE]).toEqual([16, 18, 178, 4]);
    expect(SPKI.length).toBe(162);
  });

  it("encodes spice-gtk's main link message byte for byte", () => {
    const bytes = encodeLinkMess({ connectionId: 0, channelType: ChannelType.Main, channelId: 0, caps: { common: Caps.fromWords([0x0d]), channel: Caps.fromWords([0x0f]) } });
    expect(toHex(bytes)).toBe(toHex(GTK_MAIN_MESS));
  });

  it("parses header and mess of spice-gtk's main and cursor links", () => {
    const h = parseLinkHeader(GTK_MAIN_MESS.subarray(0, 16), LINK_MESS_FIXED_SIZE);
    expect(h).toEqual({ magic: 0x51444552, majorVersion: 2, minorVersion: 2, size: 26 });
    const m = parseLinkMess(GTK_MAIN_MESS.subarray(16));
    expect(m.connectionId).toBe(0);
    expect(m.channelType).toBe(1);
    expect(m.caps.common.toWords()).toEqual([0x0d]);
    expect(m.caps.channel.toWords()).toEqual([0x0f]);

    expect(parseLinkHeader(GTK_CURSOR_MESS.subarray(0, 16), LINK_MESS_FIXED_SIZE).size).toBe(22);
    const c = parseLinkMess(GTK_CURSOR_MESS.subarray(16));
    expect(c.connectionId).toBe(0xb6eb0ab6);
    expect(c.channelType).toBe(ChannelType.Cursor);
    expect(c.caps.channel.wordCount).toBe(0);
    expect(toHex(encodeLinkMess(c))).toBe(toHex(GTK_CURSOR_MESS));
  });

  it("round-trips spice-server's display reply (size 186, caps_offset 178)", () => {
    const r = parseLinkReply(SERVER_DISPLAY_REPLY.subarray(16));
    expect(r.error).toBe(0);
    expect(r.pubKey).toEqual(SPKI);
    expect(r.caps.common.toWords()).toEqual([0x0b]);
    expect(r.caps.channel.toWords()).toEqual([0x1052]);
    expect(toHex(encodeLinkReply(r))).toBe(toHex(SERVER_DISPLAY_REPLY));
  });

  it("honours a caps_offset other than the usual one", () => {
    // caps placed 4 bytes later, after a padding word
    const m = parseLinkMess(hex("00000000 02 01 01000000 01000000 16000000 ffffffff 0d000000 bf030000"));
    expect(m.channelId).toBe(1);
    expect(m.caps.common.toWords()).toEqual([0x0d]);
    expect(m.caps.channel.toWords()).toEqual([0x3bf]);
  });

  it("writes the 178-byte error reply with all other fields zero", () => {
    const e = encodeLinkErrorReply(LinkErr.InvalidMagic);
    expect(e.length).toBe(16 + 178);
    expect(toHex(e.subarray(0, 20))).toBe("524544510200000002000000b200000002000000");
    expect(e.subarray(20).every((b) => b === 0)).toBe(true);
    const r = parseLinkReply(e.subarray(16));
    expect(r.error).toBe(2);
    expect(r.caps.common.wordCount).toBe(0);
  });

  it("encodes the auth mechanism and link result words", () => {
    expect(toHex(encodeAuthMechanism(1))).toBe("01000000");
    expect(toHex(encodeLinkResult(LinkErr.PermissionDenied))).toBe("07000000");
  });

  it("rejects bad magic, major version and sizes with typed errors", () => {
    const bad = (s: string, min = 18) => {
      try {
        parseLinkHeader(hex(s), min);
      } catch (e) {
        expect(e).toBeInstanceOf(SpiceError);
        return e as SpiceError;
      }
      throw new Error("no error");
    };
    let e = bad("52454458 02000000 02000000 1a000000");
    expect([e.code, e.linkError]).toEqual(["ERR_SPICE_BAD_MAGIC", LinkErr.InvalidMagic]);
    e = bad("52454451 03000000 02000000 1a000000");
    expect([e.code, e.linkError]).toEqual(["ERR_SPICE_BAD_VERSION", LinkErr.VersionMismatch]);
    e = bad("52454451 02000000 02000000 01100000");
    expect([e.code, e.linkError]).toEqual(["ERR_SPICE_TOO_LARGE", LinkErr.InvalidData]);
    e = bad("52454451 02000000 02000000 11000000");
    expect([e.code, e.linkError]).toEqual(["ERR_SPICE_MALFORMED", LinkErr.InvalidData]);
    e = bad("52454451 02000000 02000000 b1000000", 178);
    expect(e.code).toBe("ERR_SPICE_MALFORMED");
    expect(parseLinkHeader(hex("52454451 02000000 02000000 00100000"), 18).size).toBe(4096);
    expect(parseLinkHeader(hex("52454451 02000000 01000000 12000000"), 18).minorVersion).toBe(1);
  });

  it("rejects more than 1024 caps words and caps outside the message", () => {
    const tooMany = () => parseLinkMess(hex("00000000 01 00 01040000 00000000 12000000"));
    expect(tooMany).toThrow(SpiceError);
    try {
      tooMany();
    } catch (e) {
      expect((e as SpiceError).code).toBe("ERR_SPICE_TOO_LARGE");
      expect((e as SpiceError).linkError).toBe(LinkErr.InvalidData);
    }
    expect(() => parseLinkMess(hex("00000000 01 00 01000000 00000000 99000000"))).toThrow(/caps_offset/);
    expect(() => parseLinkMess(hex("00000000 01 00 02000000 00000000 12000000 0d000000"))).toThrow(/truncated/);
  });

  it("names link errors", () => {
    expect(linkErrName(7)).toBe("PermissionDenied");
    expect(linkErrName(99)).toBe("LinkErr(99)");
    expect(linkErrMessage(LinkErr.PermissionDenied)).toBe("the password was refused");
    const auth = linkRefused(7);
    expect([auth.code, auth.linkError]).toEqual(["ERR_SPICE_AUTH", 7]);
    expect(auth.message).toMatch(/password was refused/);
    const na = linkRefused(9);
    expect([na.code, na.linkError]).toEqual(["ERR_SPICE_LINK_REFUSED", 9]);
    expect(linkRefused(1234).message).toMatch(/link error 1234/);
  });

  const onlySpiceErrors = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof SpiceError)) throw e;
    }
  };

  it("random input to the link parsers only throws SpiceError (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        onlySpiceErrors(() => parseLinkHeader(b, 18));
        onlySpiceErrors(() => parseLinkMess(b));
        onlySpiceErrors(() => parseLinkReply(b));
      }),
      { numRuns: 500 },
    );
  });

  it("truncated and mutated fixtures only throw SpiceError (property)", () => {
    const bodies = [GTK_MAIN_MESS.subarray(16), SERVER_DISPLAY_REPLY.subarray(16)];
    for (const body of bodies) for (let n = 0; n < body.length; n++) {
      onlySpiceErrors(() => parseLinkMess(body.subarray(0, n)));
      onlySpiceErrors(() => parseLinkReply(body.subarray(0, n)));
    }
    fc.assert(
      fc.property(fc.constantFrom(...bodies), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (body, edits) => {
        const b = body.slice();
        for (const [at, v] of edits) b[at % b.length] = v;
        onlySpiceErrors(() => parseLinkMess(b));
        onlySpiceErrors(() => parseLinkReply(b));
      }),
      { numRuns: 500 },
    );
  });
});
