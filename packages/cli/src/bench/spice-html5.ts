import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * spice-html5's own QUIC and LZ decoders, driven the way its display channel drives them:
 * spicetype.js `SpiceImage.from_dv` parses the image (for QUIC this is where the decode
 * happens), then display.js calls `convert_spice_quic_to_web` / `convert_spice_lz_to_web`
 * with the canvas context to get an RGBA ImageData.
 *
 * The Debian package ships ES modules in a folder without package.json, so they are copied
 * (unmodified) into a fresh temporary folder with {"type":"module"} and imported from there.
 */
export interface SpiceHtml5 {
  readonly dir: string;
  /** Wraps a stream as the wire SpiceImage that spicetype.js parses (descriptor + QUIC / LZ_RGB data). */
  quicMessage(stream: Uint8Array, width: number, height: number): ArrayBuffer;
  lzMessage(stream: Uint8Array, width: number, height: number): ArrayBuffer;
  /** One display.js decode: parse the SpiceImage, then convert to ImageData (RGBA). */
  decodeQuic(message: ArrayBuffer): HtmlImageData;
  decodeLz(message: ArrayBuffer): HtmlImageData;
}

export interface HtmlImageData {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Files needed, with everything they import (spicetype.js imports enums.js and quic.js). */
const FILES = ["enums.js", "quic.js", "lz.js", "spicetype.js", "spicedataview.js"];

interface SpiceImageObj {
  from_dv(dv: unknown, at: number, mb: ArrayBuffer): number;
  quic?: unknown;
  lz_rgb?: unknown;
}

/** Minimal canvas context: all spice-html5's converters use is createImageData. */
const context = {
  createImageData(width: number, height: number): HtmlImageData {
    return { width, height, data: new Uint8ClampedArray(width * height * 4) };
  },
};

export class SpiceHtml5MissingError extends Error {
  override readonly name = "SpiceHtml5MissingError";
}

export async function loadSpiceHtml5(dir: string): Promise<SpiceHtml5> {
  const missing = FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    throw new SpiceHtml5MissingError(
      `spice-html5 reference decoders not found: ${missing.map((f) => join(dir, f)).join(", ")} missing. ` +
        `Install the Debian package (apt-get install spice-html5) or pass --spice-html5 DIR.`,
    );
  }
  const tmp = mkdtempSync(join(tmpdir(), "saffron-spice-html5-"));
  let mods: Record<string, Record<string, unknown>>;
  try {
    writeFileSync(join(tmp, "package.json"), '{"type":"module"}\n');
    for (const f of FILES) copyFileSync(join(dir, f), join(tmp, f));
    mods = {};
    for (const f of ["enums.js", "quic.js", "lz.js", "spicetype.js", "spicedataview.js"]) {
      mods[f] = (await import(pathToFileURL(join(tmp, f)).href)) as Record<string, unknown>;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const Constants = mods["enums.js"].Constants as Record<string, number>;
  const SpiceImage = mods["spicetype.js"].SpiceImage as new () => SpiceImageObj;
  const SpiceDataView = mods["spicedataview.js"].SpiceDataView as new (mb: ArrayBuffer) => unknown;
  const convertQuic = mods["quic.js"].convert_spice_quic_to_web as (ctx: typeof context, q: unknown) => HtmlImageData;
  const convertLz = mods["lz.js"].convert_spice_lz_to_web as (ctx: typeof context, l: unknown) => HtmlImageData | undefined;
  for (const [what, v] of Object.entries({ Constants, SpiceImage, SpiceDataView, convertQuic, convertLz })) {
    if (!v) throw new SpiceHtml5MissingError(`spice-html5 in ${dir} does not export ${what} (unsupported version?)`);
  }

  const parse = (message: ArrayBuffer): SpiceImageObj => {
    const img = new SpiceImage();
    img.from_dv(new SpiceDataView(message), 0, message);
    return img;
  };

  return {
    dir,
    quicMessage: (stream, width, height) => imageMessage(Constants.SPICE_IMAGE_TYPE_QUIC, width, height, stream),
    lzMessage: (stream, width, height) => imageMessage(Constants.SPICE_IMAGE_TYPE_LZ_RGB, width, height, stream),
    decodeQuic(message) {
      const img = parse(message);
      if (!img.quic) throw new Error("spice-html5 did not parse the QUIC image");
      return convertQuic(context, img.quic);
    },
    decodeLz(message) {
      const img = parse(message);
      if (!img.lz_rgb) throw new Error("spice-html5 did not parse the LZ_RGB image");
      const out = convertLz(context, img.lz_rgb);
      if (!out) throw new Error("spice-html5 cannot decode this LZ image type");
      return out;
    },
  };
}

/**
 * SpiceImage on the wire: descriptor (id u64, type u8, flags u8, width u32, height u32), then for
 * QUIC and LZ_RGB a u32 data size and the stream (all little-endian; the LZ header inside the
 * stream is big-endian).
 */
function imageMessage(type: number, width: number, height: number, stream: Uint8Array): ArrayBuffer {
  const buf = new ArrayBuffer(18 + 4 + stream.length);
  const dv = new DataView(buf);
  dv.setUint32(0, 1, true); // id (low word); any value
  dv.setUint8(8, type);
  dv.setUint8(9, 0);
  dv.setUint32(10, width, true);
  dv.setUint32(14, height, true);
  dv.setUint32(18, stream.length, true);
  new Uint8Array(buf, 22).set(stream);
  return buf;
}

/** The installed package version, for the report header (best effort). */
export function spiceHtml5Version(dir: string): string | undefined {
  try {
    const status = readFileSync("/var/lib/dpkg/status", "utf8");
    const m = /Package: spice-html5\n(?:[^\n]+\n)*?Version: ([^\n]+)/.exec(status);
    return dir.startsWith("/usr/share/spice-html5") && m ? m[1] : undefined;
  } catch {
    return undefined;
  }
}
