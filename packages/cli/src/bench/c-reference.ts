import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EncoderCodec } from "./encoder-baselines.js";

/**
 * The C reference encoders, built at benchmark time so that `bench encoders` compares Saffron's
 * encoders with spice's in the same run (this VM's speed drifts by 2-5x over minutes, far more
 * than fixed figures can absorb).
 *
 * The sources are the Debian source package of spice-server 0.15.1 (the version of Debian 12's
 * libspice-server1, which the e2e tests run against), fetched from Debian's archive and checked
 * against the SHA-256 of Debian's Sources index. They are unpacked and compiled in a cache
 * directory outside the repository; only Saffron's own harness (packages/cli/c-reference/) is in it.
 */
export const SPICE_SOURCE = {
  url: "https://deb.debian.org/debian/pool/main/s/spice/spice_0.15.1.orig.tar.bz2",
  sha256: "ada9af67ab321916bd7eb59e3d619a4a7796c08a28c732edfc7f02fc80b1a37a",
  root: "spice-0.15.1",
} as const;

/** The files of the source package the encoders need (LGPL-2.1, compiled, never copied into the repo). */
const COMMON = "subprojects/spice-common";
const MEMBERS = [
  `${COMMON}/common`,
  "server/glz-encoder.c",
  "server/glz-encoder.h",
  "server/glz-encoder-priv.h",
  "server/glz-encoder-dict.c",
  "server/glz-encoder-dict.h",
  "server/glz-encode.tmpl.c",
  "server/glz-encode-match.tmpl.c",
  "COPYING",
];

/** apt packages the build needs (Debian 12). */
export const C_REFERENCE_APT = "gcc libc6-dev pkg-config bzip2 libglib2.0-dev libspice-protocol-dev liblz4-dev";

export class CReferenceError extends Error {
  override name = "CReferenceError";
}

/** packages/cli/c-reference: the harness and its stand-in headers (from dist/bench or src/bench). */
function harnessDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "c-reference");
}

const HARNESS_FILES = ["encoders.c", "stubs/config.h", "stubs/red-common.h", "stubs/backtrace-stub.c"];

function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "saffron", "c-reference");
}

function run(cmd: string, args: string[], what: string): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    if (err.code === "ENOENT") throw new CReferenceError(`${what}: '${cmd}' is not installed (apt-get install ${C_REFERENCE_APT})`);
    throw new CReferenceError(`${what} failed: ${String(err.stderr ?? e).trim().split("\n").slice(-8).join("\n")}`);
  }
}

async function sourceTarball(log: (s: string) => void): Promise<string> {
  const dir = join(cacheRoot(), "sources");
  const file = join(dir, SPICE_SOURCE.url.split("/").at(-1)!);
  const ok = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex") === SPICE_SOURCE.sha256;
  if (existsSync(file) && ok(readFileSync(file))) return file;
  log(`fetching the C reference sources: ${SPICE_SOURCE.url}\n`);
  let bytes: Buffer;
  try {
    const res = await fetch(SPICE_SOURCE.url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    throw new CReferenceError(`cannot fetch ${SPICE_SOURCE.url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!ok(bytes)) throw new CReferenceError(`${SPICE_SOURCE.url}: SHA-256 differs from Debian's (${SPICE_SOURCE.sha256})`);
  mkdirSync(dir, { recursive: true });
  // A file of its own, then renamed: another process fetching at the same time cannot mix bytes in.
  const part = `${file}.${process.pid}.part`;
  writeFileSync(part, bytes);
  renameSync(part, file);
  return file;
}

/**
 * The path of the built harness (saffron-c-encoders), building it first when the cache has none
 * for these sources and this harness. Throws CReferenceError with what to install when it cannot.
 */
export async function buildCReference(log: (s: string) => void = () => {}): Promise<string> {
  const hdir = harnessDir();
  const key = createHash("sha256").update(SPICE_SOURCE.sha256);
  for (const f of HARNESS_FILES) key.update(f).update(readFileSync(join(hdir, f)));
  const binDir = join(cacheRoot(), `build-${key.digest("hex").slice(0, 16)}`);
  const bin = join(binDir, "saffron-c-encoders");
  if (existsSync(bin)) return bin;

  const tarball = await sourceTarball(log);
  const work = mkdtempSync(join(tmpdir(), "saffron-c-reference-"));
  try {
    run("tar", ["-xjf", tarball, "-C", work, ...MEMBERS.map((m) => `${SPICE_SOURCE.root}/${m}`)], "unpacking the C reference sources");
    const src = join(work, SPICE_SOURCE.root);
    const common = join(src, COMMON);
    const flags = run("pkg-config", ["--cflags", "--libs", "glib-2.0", "spice-protocol"], "pkg-config glib-2.0 spice-protocol (apt-get install libglib2.0-dev libspice-protocol-dev)")
      .trim()
      .split(/\s+/);
    log("building the C reference encoders (gcc -O2)\n");
    const out = join(work, "saffron-c-encoders");
    run(
      "gcc",
      [
        "-O2",
        "-std=gnu11",
        "-w",
        `-I${join(hdir, "stubs")}`,
        `-I${common}`,
        `-I${join(common, "common")}`,
        `-I${join(src, "server")}`,
        "-o",
        out,
        join(hdir, "encoders.c"),
        join(hdir, "stubs", "backtrace-stub.c"),
        join(common, "common", "quic.c"),
        join(common, "common", "lz.c"),
        join(common, "common", "log.c"),
        join(src, "server", "glz-encoder.c"),
        join(src, "server", "glz-encoder-dict.c"),
        ...flags,
        "-llz4",
        "-lpthread",
      ],
      "compiling the C reference encoders",
    );
    mkdirSync(binDir, { recursive: true });
    renameSync(out, bin);
    return bin;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface CReferenceRun {
  bytes: number;
  medianMs: number;
  runs: number;
  /** The stream of the first encode, when asked for. */
  stream?: Uint8Array;
}

/**
 * Times one C encoder on a raw B,G,R,X image (file written by the caller) as measureSpeed times
 * Saffron's (warm-up, then at least 5 calls and 0.5 s, or exactly `iterations`; the median).
 */
export function runCReference(
  bin: string,
  codec: EncoderCodec,
  bgrxFile: string,
  width: number,
  height: number,
  opts: { stream?: boolean; iterations?: number } = {},
): CReferenceRun {
  const outFile = opts.stream ? `${bgrxFile}.${codec}.out` : undefined;
  const args = [codec, bgrxFile, String(width), String(height)];
  if (outFile) args.push("--out", outFile);
  if (opts.iterations) args.push("--iterations", String(opts.iterations));
  const line = run(bin, args, `C reference ${codec}`);
  const r = JSON.parse(line.trim().split("\n").at(-1)!) as CReferenceRun;
  if (outFile) {
    r.stream = new Uint8Array(readFileSync(outFile));
    rmSync(outFile, { force: true });
  }
  return r;
}
