import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { forEveryChunking } from "@saffron/testkit";
import { SpiceError } from "../wire/errors.js";
import { FrameSplitter, readSubMessages, splitAll, type Frame, type FrameSplitterOptions } from "./frame-splitter.js";
import { FrameWriter } from "./frame-writer.js";

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, "").match(/../g) ?? []).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const show = (f: Frame) => ({ type: f.type, serial: f.serial, sub: f.sub, last: f.last, body: toHex(f.body) });

const INIT_BODY = "028db988 01000000 03000000 01000000 00000000 0a000000 00000000 00e8ff06";

/** MAIN_INIT, PING (12 bytes) and an empty MIGRATE_END with mini headers, as spice-server sends them. */
const MINI_STREAM = hex(`6700 20000000 ${INIT_BODY}  0400 0c000000 01000000 1122334455667788  7000 00000000`);
const MINI_FRAMES = [
  { type: 103, serial: 1, sub: false, last: true, body: toHex(hex(INIT_BODY)) },
  { type: 4, serial: 2, sub: false, last: true, body: "010000001122334455667788" },
  { type: 112, serial: 3, sub: false, last: true, body: "" },
];

/** MAIN_INIT with a full header (serial 1, sub_list 0), as seen from spice-server. */
const FULL_STREAM = hex(`01000000 00000000 6700 20000000 00000000 ${INIT_BODY}  02000000 00000000 0200 00000000 00000000`);

/**
 * Full header, serial 5, type 101, with a sub-message list at offset 19:
 * [0] main payload aabbccdd, [4] sub (type 5, 3 bytes), [13] sub (type 7, empty), [19] list {2: 4, 13}.
 */
const FULL_WITH_SUBS = hex(`05000000 00000000 6500 1d000000 13000000
  aabbccdd  0500 03000000 010203  0700 00000000  0200 04000000 0d000000`);

/** SPICE_MSG_LIST with a mini header (spice-server's send_free_list): the list at offset 0. */
const MINI_LIST = hex(`0800 19000000  0200 0a000000 13000000  0500 03000000 010203  0700 00000000`);

function splitEvery(bytes: Uint8Array, options: FrameSplitterOptions, expected: object[]): number {
  return forEveryChunking(bytes, (chunks) => {
    const s = new FrameSplitter(options);
    const frames = chunks.flatMap((c) => s.push(c));
    expect(frames.map(show)).toEqual(expected);
    expect(s.buffered).toBe(0);
  });
}

describe("FrameSplitter", () => {
  it("splits mini-header messages at every chunking, counting implicit serials", () => {
    const runs = splitEvery(MINI_STREAM, { miniHeader: true }, MINI_FRAMES);
    expect(runs).toBeGreaterThan(1000);
  });

  it("splits full-header messages, serials from the header", () => {
    splitEvery(FULL_STREAM, { miniHeader: false }, [
      { type: 103, serial: 1, sub: false, last: true, body: toHex(hex(INIT_BODY)) },
      { type: 2, serial: 2, sub: false, last: true, body: "" },
    ]);
  });

  it("delivers a full header's sub-messages before the message itself", () => {
    splitEvery(FULL_WITH_SUBS, { miniHeader: false }, [
      { type: 5, serial: 5, sub: true, last: false, body: "010203" },
      { type: 7, serial: 5, sub: true, last: false, body: "" },
      { type: 101, serial: 5, sub: false, last: true, body: toHex(FULL_WITH_SUBS.subarray(18)) },
    ]);
  });

  it("expands SPICE_MSG_LIST (mini header) without delivering the envelope", () => {
    splitEvery(MINI_LIST, { miniHeader: true }, [
      { type: 5, serial: 1, sub: true, last: false, body: "010203" },
      { type: 7, serial: 1, sub: true, last: true, body: "" },
    ]);
    // an empty LIST is delivered as itself, so every wire message has one `last` frame
    const s = new FrameSplitter({ miniHeader: true });
    expect(s.push(hex("0800 02000000 0000")).map(show)).toEqual([{ type: 8, serial: 1, sub: false, last: true, body: "0000" }]);
    expect(s.lastSerial).toBe(1);
    expect(s.messageCount).toBe(1);
  });

  it("rejects sub-lists that point outside the body", () => {
    const bad = [
      "01000000 00000000 6500 04000000 09000000 aabbccdd", // list offset past the end
      "01000000 00000000 6500 06000000 04000000 aabbccdd 0100", // list truncated
      "01000000 00000000 6500 0a000000 04000000 aabbccdd 0100 ff000000", // sub offset outside
      "01000000 00000000 6500 10000000 04000000 aabbccdd 0100 0a000000 0500 09000000", // sub body outside
    ];
    for (const b of bad) {
      const s = new FrameSplitter({ miniHeader: false });
      expect(() => s.push(hex(b))).toThrow(SpiceError);
    }
    expect(() => readSubMessages(hex("0100 02000000"), 0)).toThrow(SpiceError);
    expect(readSubMessages(hex("0100 06000000 0500 01000000 09"), 0)).toEqual([{ type: 5, body: hex("09") }]);
  });

  it("returns zero-copy bodies when a message lies in one chunk", () => {
    const s = new FrameSplitter({ miniHeader: true });
    const frames = s.push(MINI_STREAM);
    expect(frames[0]!.body.buffer).toBe(MINI_STREAM.buffer);
    expect(frames[0]!.body.byteOffset).toBe(6);
  });

  it("enforces the maximum message size, and stays failed", () => {
    const s = new FrameSplitter({ miniHeader: true, maxMessageSize: 32 });
    expect(s.push(hex(`6700 20000000 ${INIT_BODY}`)).length).toBe(1);
    let err: unknown;
    try {
      s.push(hex("6700 21000000"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpiceError);
    expect((err as SpiceError).code).toBe("ERR_SPICE_TOO_LARGE");
    expect((err as SpiceError).offset).toBe(38);
    expect(() => s.push(new Uint8Array(1))).toThrow(err as Error);
    // the default limit is 64 MiB; a header declaring 4 GiB fails before any allocation
    expect(() => new FrameSplitter({ miniHeader: true }).push(hex("0100 ffffffff"))).toThrow(/over the limit of 67108864/);
    // a large declared size under the limit just waits for more bytes
    const big = new FrameSplitter({ miniHeader: true });
    expect(big.push(hex("0100 00000004 00"))).toEqual([]);
    expect(big.buffered).toBe(1);
  });

  it("splitAll reports a stream that ends inside a message", () => {
    expect(splitAll(MINI_STREAM, { miniHeader: true }).length).toBe(3);
    expect(() => splitAll(MINI_STREAM.subarray(0, 40), { miniHeader: true })).toThrow(/ends inside a message/);
  });

  const chunked = (bytes: Uint8Array, cuts: number[]) => {
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const out: Uint8Array[] = [];
    let prev = 0;
    for (const p of [...points, bytes.length]) out.push(bytes.subarray(prev, p)), (prev = p);
    return out;
  };

  it("FrameWriter → FrameSplitter round trip at random chunkings (property)", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }).filter((t) => t !== 8), fc.uint8Array({ maxLength: 40 })), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (mini, msgs, cuts) => {
          const w = new FrameWriter({ miniHeader: mini });
          const parts = msgs.map(([t, b]) => w.frame(t, b));
          const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          parts.reduce((o, p) => (all.set(p, o), o + p.length), 0);
          const s = new FrameSplitter({ miniHeader: mini });
          const frames = chunked(all, cuts).flatMap((c) => s.push(c));
          expect(frames.map((f) => [f.type, toHex(f.body), f.serial])).toEqual(msgs.map(([t, b], i) => [t, toHex(b), i + 1]));
          expect(s.lastSerial).toBe(msgs.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  const onlySpiceErrors = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof SpiceError)) throw e;
    }
  };

  it("random input at random chunkings only ever throws SpiceError (property)", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom(undefined, 16, 200), (mini, bytes, cuts, max) => {
        const s = new FrameSplitter({ miniHeader: mini, ...(max ? { maxMessageSize: max } : {}) });
        onlySpiceErrors(() => {
          for (const c of chunked(bytes, cuts)) for (const f of s.push(c)) expect(f.body.length).toBeLessThanOrEqual(bytes.length);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it("random sub-lists in well-framed messages only ever throw SpiceError (property)", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 9 }), fc.uint8Array({ maxLength: 80 }), fc.nat({ max: 90 }), (mini, type, body, subList) => {
        const head = mini
          ? hex(`0${type === 9 ? 8 : type}00`)
          : Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, type === 9 ? 8 : type, 0);
        const size = Uint8Array.of(body.length, 0, 0, 0);
        const tail = mini ? new Uint8Array(0) : Uint8Array.of(subList, 0, 0, 0);
        const msg = new Uint8Array([...head, ...size, ...tail, ...body]);
        onlySpiceErrors(() => {
          const frames = new FrameSplitter({ miniHeader: mini }).push(msg);
          expect(frames.filter((f) => f.last).length).toBe(1);
        });
      }),
      { numRuns: 1000 },
    );
  });
});
