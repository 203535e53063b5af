import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** One image of the reference corpus, encoded by each reference encoder. */
export interface BenchVector {
  /** e.g. "term_1280x800" */
  name: string;
  width: number;
  height: number;
  quic: Uint8Array;
  lz: Uint8Array;
  glz: Uint8Array;
  lz4: Uint8Array;
}

const EXTS = ["quic", "lz", "glz", "lz4"] as const;

/** Finds packages/codecs/__fixtures__/vectors from this file (src or dist), or via @saffron/codecs. */
export function locateVectorsDir(): string {
  const candidates = [fileURLToPath(new URL("../../../codecs/__fixtures__/vectors", import.meta.url))];
  try {
    // The package's main entry is <codecs>/dist/index.js (or src/index.ts under the "source" condition).
    const entry = createRequire(import.meta.url).resolve("@saffron/codecs");
    candidates.push(resolve(dirname(entry), "../__fixtures__/vectors"));
  } catch {
    // not resolvable: keep the relative candidate
  }
  for (const dir of candidates) if (existsSync(dir)) return dir;
  throw new Error(`codec reference vectors not found (looked in ${candidates.join(", ")}); they ship in packages/codecs/__fixtures__/vectors`);
}

/** Loads every NAME_WxH vector that has all four encodings, sorted by name. */
export function loadVectors(dir: string): BenchVector[] {
  const names = new Set<string>();
  for (const f of readdirSync(dir)) {
    const m = /^(.+_\d+x\d+)\.quic$/.exec(f);
    if (m) names.add(m[1]);
  }
  const out: BenchVector[] = [];
  for (const name of [...names].sort()) {
    const m = /_(\d+)x(\d+)$/.exec(name)!;
    const files = EXTS.map((ext) => join(dir, `${name}.${ext}`));
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length) throw new Error(`incomplete codec vector ${name}: missing ${missing.join(", ")}`);
    const [quic, lz, glz, lz4] = files.map((f) => new Uint8Array(readFileSync(f)));
    out.push({ name, width: Number(m[1]), height: Number(m[2]), quic, lz, glz, lz4 });
  }
  if (out.length === 0) throw new Error(`no codec vectors (NAME_WxH.quic/.lz/.glz/.lz4) in ${dir}`);
  return out;
}
