import { ByteReader } from "../wire/byte-reader.js";
import { ByteWriter } from "../wire/byte-writer.js";
import { SpiceError } from "../wire/errors.js";

/**
 * The schema runtime. Every SPICE message is described once as a value built from these
 * combinators; the readers, writers and TypeScript types all come from that description.
 *
 * SPICE specifics handled here:
 * - all integers little-endian, structs packed;
 * - `ptr(T)`: a u32 byte offset from the start of the message body, the pointee placed
 *   after the fixed part (the writer appends pointees in order and patches the offsets);
 * - arrays counted by an earlier field, or running to the end of the message;
 * - tagged variants (Clip, Brush, Image...) chosen by an earlier discriminant.
 */
export interface Codec<T> {
  /** Human-readable type name used in error messages and by the describer. */
  readonly name: string;
  read(r: ByteReader, ctx: ReadContext): T;
  write(w: ByteWriter, v: T, ctx: WriteContext): void;
}

export type Infer<C> = C extends Codec<infer T> ? T : never;

/** Reading state: the whole message body, for resolving pointers. */
export interface ReadContext {
  readonly message: ByteReader;
}

interface Deferred {
  patchAt: number;
  codec: Codec<unknown>;
  value: unknown;
}

/** Writing state: pointees waiting to be appended after the fixed part. */
export class WriteContext {
  readonly deferred: Deferred[] = [];
  defer<T>(patchAt: number, codec: Codec<T>, value: T): void {
    this.deferred.push({ patchAt, codec: codec as Codec<unknown>, value });
  }
  /** Appends pointees (and, recursively, theirs) and patches their offsets. */
  flush(w: ByteWriter): void {
    for (let i = 0; i < this.deferred.length; i++) {
      const d = this.deferred[i]!;
      w.patchU32(d.patchAt, w.pos);
      d.codec.write(w, d.value, this);
    }
    this.deferred.length = 0;
  }
}

/** Decodes a whole message body with `codec`. Trailing bytes are allowed (SPICE pads some messages). */
export function decode<T>(codec: Codec<T>, body: Uint8Array): T {
  const r = new ByteReader(body);
  return codec.read(r, { message: r });
}

/** Encodes a whole message body with `codec`, pointees appended after the fixed part. */
export function encode<T>(codec: Codec<T>, value: T, w = new ByteWriter()): Uint8Array {
  const ctx = new WriteContext();
  codec.write(w, value, ctx);
  ctx.flush(w);
  return w.finish();
}

function prim<T>(name: string, read: (r: ByteReader) => T, write: (w: ByteWriter, v: T) => void): Codec<T> {
  return { name, read: (r) => read(r), write: (w, v) => void write(w, v) };
}

export const u8: Codec<number> = prim("u8", (r) => r.u8("u8"), (w, v) => w.u8(v));
export const i8: Codec<number> = prim("i8", (r) => r.i8("i8"), (w, v) => w.i8(v));
export const u16: Codec<number> = prim("u16", (r) => r.u16("u16"), (w, v) => w.u16(v));
export const i16: Codec<number> = prim("i16", (r) => r.i16("i16"), (w, v) => w.i16(v));
export const u32: Codec<number> = prim("u32", (r) => r.u32("u32"), (w, v) => w.u32(v));
export const i32: Codec<number> = prim("i32", (r) => r.i32("i32"), (w, v) => w.i32(v));
export const u64: Codec<bigint> = prim("u64", (r) => r.u64("u64"), (w, v) => w.u64(v));
export const i64: Codec<bigint> = prim("i64", (r) => r.i64("i64"), (w, v) => w.i64(v));

/** A fixed-size byte block (zero-copy on read). */
export function fixedBytes(n: number): Codec<Uint8Array> {
  return {
    name: `bytes[${n}]`,
    read: (r) => r.view(n, `bytes[${n}]`),
    write: (w, v) => {
      if (v.length !== n) throw new Error(`bytes[${n}] given ${v.length} bytes`);
      w.bytes(v);
    },
  };
}

/** The rest of the message (zero-copy on read). */
export const restBytes: Codec<Uint8Array> = {
  name: "bytes[]",
  read: (r) => r.view(r.remaining),
  write: (w, v) => void w.bytes(v),
};

/** Bytes whose count is given by a preceding integer of the given width. */
export function sizedBytes(count: Codec<number>): Codec<Uint8Array> {
  return {
    name: `bytes[${count.name}]`,
    read: (r, ctx) => r.view(count.read(r, ctx), "sized bytes"),
    write: (w, v, ctx) => {
      count.write(w, v.length, ctx);
      w.bytes(v);
    },
  };
}

type Fields = Record<string, Codec<any>>;
export type StructOf<F extends Fields> = { -readonly [K in keyof F]: Infer<F[K]> };

/** A packed struct; field order is the wire order. */
export function struct<F extends Fields>(name: string, fields: F): Codec<StructOf<F>> & { fields: F } {
  const entries = Object.entries(fields);
  const n = entries.length;
  const keys = entries.map((e) => e[0]);
  const codecs = entries.map((e) => e[1]);
  return {
    name,
    fields,
    read(r, ctx) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) out[keys[i]!] = codecs[i]!.read(r, ctx);
      return out as StructOf<F>;
    },
    write(w, v, ctx) {
      const rec = v as Record<string, unknown>;
      for (let i = 0; i < n; i++) codecs[i]!.write(w, rec[keys[i]!], ctx);
    },
  };
}

/** An array counted by a preceding integer (written from the array's length). */
export function array<T>(count: Codec<number>, item: Codec<T>, maxCount = 1 << 20): Codec<T[]> {
  return {
    name: `${item.name}[${count.name}]`,
    read(r, ctx) {
      const n = count.read(r, ctx);
      if (n > maxCount) throw new SpiceError("ERR_SPICE_TOO_LARGE", `${item.name} array count ${n} over limit ${maxCount}`, { offset: r.pos });
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(item.read(r, ctx));
      return out;
    },
    write(w, v, ctx) {
      count.write(w, v.length, ctx);
      for (const x of v) item.write(w, x, ctx);
    },
  };
}

/** An array of exactly n items (no count on the wire). */
export function fixedArray<T>(n: number, item: Codec<T>): Codec<T[]> {
  return {
    name: `${item.name}[${n}]`,
    read(r, ctx) {
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(item.read(r, ctx));
      return out;
    },
    write(w, v, ctx) {
      if (v.length !== n) throw new Error(`${item.name}[${n}] given ${v.length} items`);
      for (const x of v) item.write(w, x, ctx);
    },
  };
}

/** Items until the end of the message. */
export function restArray<T>(item: Codec<T>): Codec<T[]> {
  return {
    name: `${item.name}[]`,
    read(r, ctx) {
      const out: T[] = [];
      while (r.remaining > 0) out.push(item.read(r, ctx));
      return out;
    },
    write(w, v, ctx) {
      for (const x of v) item.write(w, x, ctx);
    },
  };
}

/** A u32 offset from the start of the message to a T placed later in the message. */
export function ptr<T>(target: Codec<T>): Codec<T> {
  return {
    name: `${target.name}*`,
    read(r, ctx) {
      const off = r.u32(`${target.name} pointer`);
      if (off === 0) throw new SpiceError("ERR_SPICE_MALFORMED", `null ${target.name} pointer`, { offset: r.pos - 4 });
      return target.read(ctx.message.at(off, `${target.name} pointer`), ctx);
    },
    write(w, v, ctx) {
      const at = w.pos;
      w.u32(0);
      ctx.defer(at, target, v);
    },
  };
}

/** Like ptr, but offset 0 means null. */
export function nullablePtr<T>(target: Codec<T>): Codec<T | null> {
  return {
    name: `${target.name}*?`,
    read(r, ctx) {
      const off = r.u32(`${target.name} pointer`);
      if (off === 0) return null;
      return target.read(ctx.message.at(off, `${target.name} pointer`), ctx);
    },
    write(w, v, ctx) {
      const at = w.pos;
      w.u32(0);
      if (v !== null) ctx.defer(at, target, v);
    },
  };
}

type Cases = Record<number, Codec<any>>;
export type VariantOf<K extends string, C extends Cases> = {
  [N in keyof C & number]: { [P in K]: N } & Infer<C[N]>;
}[keyof C & number];

/**
 * A tagged variant: a discriminant, then the body of the matching case (a struct, merged
 * into the result with the tag under `key`). Unknown tags use `fallback` or fail.
 */
export function variant<K extends string, C extends Cases>(
  name: string,
  key: K,
  tag: Codec<number>,
  cases: C,
): Codec<VariantOf<K, C>> {
  return {
    name,
    read(r, ctx) {
      const t = tag.read(r, ctx);
      const c = cases[t];
      if (!c) throw new SpiceError("ERR_SPICE_MALFORMED", `${name}: unknown ${key} ${t}`, { offset: r.pos });
      const body = c.read(r, ctx);
      return { [key]: t, ...body } as VariantOf<K, C>;
    },
    write(w, v, ctx) {
      const t = (v as Record<string, number>)[key]!;
      const c = cases[t];
      if (!c) throw new Error(`${name}: unknown ${key} ${t}`);
      tag.write(w, t, ctx);
      c.write(w, v, ctx);
    },
  };
}

export type SwitchOf<H, K extends keyof H, C extends Cases> = {
  [N in keyof C & number]: Omit<H, K> & { [P in K]: N } & Infer<C[N]>;
}[keyof C & number];

/**
 * A header struct, then the body chosen by one of the header's fields (spice.proto's
 * `switch (descriptor.type)`, where the tag sits inside a larger header). The result
 * merges header and body, discriminated by `key`. Unknown tags fail.
 */
export function switchOn<H extends Record<string, unknown>, K extends keyof H & string, C extends Cases>(
  name: string,
  head: Codec<H>,
  key: K,
  cases: C,
): Codec<SwitchOf<H, K, C>> {
  return {
    name,
    read(r, ctx) {
      const h = head.read(r, ctx);
      const t = h[key] as number;
      const c = cases[t];
      if (!c) throw new SpiceError("ERR_SPICE_MALFORMED", `${name}: unknown ${key} ${t}`, { offset: r.pos });
      return { ...h, ...c.read(r, ctx) } as SwitchOf<H, K, C>;
    },
    write(w, v, ctx) {
      const t = (v as Record<string, number>)[key]!;
      const c = cases[t];
      if (!c) throw new Error(`${name}: unknown ${key} ${t}`);
      head.write(w, v as unknown as H, ctx);
      c.write(w, v, ctx);
    },
  };
}

/** A hand-written codec for the few layouts combinators do not express well. */
export function custom<T>(name: string, read: (r: ByteReader, ctx: ReadContext) => T, write: (w: ByteWriter, v: T, ctx: WriteContext) => void): Codec<T> {
  return { name, read, write };
}

/** An empty body. */
export const empty = struct("Empty", {});
