/**
 * Test-only LZ/GLZ stream builder: a greedy matcher that turns a unit array into literal / match
 * operations, and serializers for the LZ (§6.2) and GLZ (§6.3) syntaxes. Written from the
 * protocol map; it is deliberately simple (few candidate distances), not a real encoder.
 */

export type LzOp =
  | { kind: "lit"; units: number[] }
  | { kind: "match"; len: number; dist: number }
  | { kind: "ref"; len: number; imageDist: number; ofs: number };

export interface GreedyOptions {
  /** Minimum match length in units (L >= 1 plus the type's bias). */
  minLen: number;
  /** Candidate back-distances inside the image (1 = run, the row length, far distances...). */
  distances: number[];
  /** Optional earlier image (same unit layout) referenced at the same unit index. */
  prev?: { units: ArrayLike<number>; imageDist: number };
  /** Cap on a match length (to exercise the 255-extension). */
  maxLen?: number;
}

export function greedyOps(units: ArrayLike<number>, o: GreedyOptions): LzOp[] {
  const ops: LzOp[] = [];
  let lit: number[] = [];
  const flush = (): void => {
    for (let i = 0; i < lit.length; i += 32) ops.push({ kind: "lit", units: lit.slice(i, i + 32) });
    lit = [];
  };
  const maxLen = o.maxLen ?? 1 << 20;
  let i = 0;
  while (i < units.length) {
    let best: LzOp | undefined;
    let bestLen = o.minLen - 1;
    if (o.prev) {
      let n = 0;
      while (i + n < units.length && i + n < o.prev.units.length && n < maxLen && o.prev.units[i + n] === units[i + n]) n++;
      if (n > bestLen) {
        bestLen = n;
        best = { kind: "ref", len: n, imageDist: o.prev.imageDist, ofs: i };
      }
    }
    for (const d of o.distances) {
      if (d > i) continue;
      let n = 0;
      while (i + n < units.length && n < maxLen && units[i + n - d] === units[i + n]) n++;
      if (n > bestLen) {
        bestLen = n;
        best = { kind: "match", len: n, dist: d };
      }
    }
    if (best) {
      flush();
      ops.push(best);
      i += bestLen;
    } else {
      lit.push(units[i++]);
    }
  }
  flush();
  return ops;
}

function pushLength(out: number[], ctrlLow: number, l: number): void {
  // l = length - bias >= 1
  if (l < 7) {
    out.push((l << 5) | ctrlLow);
    return;
  }
  out.push((7 << 5) | ctrlLow);
  let rem = l - 7;
  while (rem >= 255) {
    out.push(255);
    rem -= 255;
  }
  out.push(rem);
}

/** LZ body bytes. `unitBytes` serializes one literal unit; `bias` is 0 (3-byte), 1 (RGB16) or 2. */
export function serializeLz(ops: LzOp[], unitBytes: (u: number) => number[], bias: number): number[] {
  const out: number[] = [];
  for (const op of ops) {
    if (op.kind === "lit") {
      out.push(op.units.length - 1);
      for (const u of op.units) out.push(...unitBytes(u));
    } else if (op.kind === "match") {
      const ofs = op.dist - 1;
      if (ofs < 8191) {
        const tmp: number[] = [];
        pushLength(tmp, ofs >> 8, op.len - bias);
        out.push(...tmp, ofs & 255);
      } else {
        const far = ofs - 8191;
        if (far > 65535) throw new Error("distance too far for LZ");
        pushLength(out, 31, op.len - bias);
        out.push(255, far >> 8, far & 255);
      }
    } else {
      throw new Error("LZ has no cross-image references");
    }
  }
  return out;
}

/** GLZ body bytes (same-image matches and cross-image references). */
export function serializeGlz(ops: LzOp[], unitBytes: (u: number) => number[], bias: number): number[] {
  const out: number[] = [];
  for (const op of ops) {
    if (op.kind === "lit") {
      out.push(op.units.length - 1);
      for (const u of op.units) out.push(...unitBytes(u));
      continue;
    }
    const ofs = op.kind === "match" ? op.dist - 1 : op.ofs;
    const imageDist = op.kind === "match" ? 0 : op.imageDist;
    if (ofs < 4096 && imageDist < 1 << 30) {
      const extra = imageDist < 64 ? 0 : imageDist < 1 << 14 ? 1 : imageDist < 1 << 22 ? 2 : 3;
      pushLength(out, ofs & 15, op.len - bias);
      out.push((ofs >> 4) & 255, (extra << 6) | (imageDist & 63));
      for (let i = 0; i < extra; i++) out.push((imageDist >> (6 + 8 * i)) & 255);
    } else {
      const long = ofs >= 1 << 17;
      const extra = imageDist === 0 ? 0 : imageDist < 256 ? 1 : imageDist < 65536 ? 2 : 3;
      pushLength(out, 16 | (ofs & 15), op.len - bias);
      out.push((ofs >> 4) & 255, (extra << 6) | (long ? 32 : 0) | ((ofs >> 12) & 31));
      for (let i = 0; i < extra; i++) out.push((imageDist >> (8 * i)) & 255);
      if (long) out.push((ofs >> 17) & 255);
    }
  }
  return out;
}

function be32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

export function lzHeader(type: number, width: number, height: number, stride: number, topDown: boolean): number[] {
  return [0x20, 0x20, 0x5a, 0x4c, 0, 1, 0, 1, ...be32(type), ...be32(width), ...be32(height), ...be32(stride), ...be32(topDown ? 1 : 0)];
}

export function glzHeader(type: number, width: number, height: number, stride: number, topDown: boolean, id: number, winHeadDist: number): number[] {
  return [
    0x20, 0x20, 0x5a, 0x4c, 0, 1, 0, 1,
    type | (topDown ? 0x10 : 0),
    ...be32(width), ...be32(height), ...be32(stride),
    ...be32(Math.floor(id / 0x100000000)), ...be32(id >>> 0),
    ...be32(winHeadDist),
  ];
}

/** Literal serializers for the unit kinds. */
export const bgrUnit = (u: number): number[] => [u & 255, (u >> 8) & 255, (u >> 16) & 255];
export const rgb16Unit = (u: number): number[] => [(u >> 8) & 255, u & 255];
export const byteUnit = (u: number): number[] => [u & 255];
