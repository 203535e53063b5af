/** Test-only helpers: seeded random images with runs and repeats, PNG goldens, error assertions. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import { CodecError } from "../../errors.js";

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` units drawn from `values` possible values, with runs and copies of earlier stretches so a
 * matcher finds short, long, overlapping and far matches.
 */
export function structuredUnits(n: number, values: number, seed: number, mask = 0xffffff): number[] {
  const r = rng(seed);
  const colours = Array.from({ length: Math.min(values, 64) }, () => Math.floor(r() * values) & mask);
  const u: number[] = [];
  while (u.length < n) {
    const pick = r();
    if (pick < 0.3 || u.length < 8) {
      u.push(colours[Math.floor(r() * colours.length)]);
    } else if (pick < 0.45) {
      const v = u[u.length - 1];
      const len = 1 + Math.floor(r() * (r() < 0.1 ? 700 : 20));
      for (let i = 0; i < len; i++) u.push(v);
    } else if (pick < 0.85) {
      const back = 1 + Math.floor(r() * Math.min(u.length, r() < 0.2 ? 80000 : 300));
      const len = 1 + Math.floor(r() * 40);
      for (let i = 0; i < len; i++) u.push(u[u.length - back]);
    } else {
      u.push(Math.floor(r() * values) & mask);
    }
  }
  return u.slice(0, n);
}

export const VECTORS = ["term_1280x800", "ui_1280x800", "photo_1280x800", "mixed_1920x1080", "uitile_256x256"];

export function vectorPath(file: string): string {
  return fileURLToPath(new URL(`../../../__fixtures__/vectors/${file}`, import.meta.url));
}

export function readVector(file: string): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath(file)));
}

/** The golden PNG as RGBA bytes. */
export function readPng(name: string): { width: number; height: number; data: Uint8Array } {
  const png = PNG.sync.read(readFileSync(vectorPath(`${name}.png`)));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

/** Index of the first pixel whose B,G,R differ from the PNG's, or -1. */
export function firstBgrMismatch(bgra: Uint8Array, rgba: Uint8Array, pixels: number): number {
  for (let i = 0, p = 0; i < pixels; i++, p += 4) {
    if (bgra[p] !== rgba[p + 2] || bgra[p + 1] !== rgba[p + 1] || bgra[p + 2] !== rgba[p]) return i;
  }
  return -1;
}

/** Runs fn; anything thrown other than a CodecError fails the property. */
export function onlyCodecErrors(fn: () => unknown): boolean {
  try {
    fn();
  } catch (e) {
    if (e instanceof CodecError) return true;
    throw e;
  }
  return true;
}
