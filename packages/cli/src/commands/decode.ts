import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import { GlzDictionary, decodeGlz, decodeLz, decodeLz4, decodeQuic, type DecodedImage } from "@saffron/codecs";
import { UsageError } from "../errors.js";
import { bgraToRgbaOpaque, writeRgbaPng } from "../png.js";

const HELP = `Usage: saffron decode <file.quic|.lz|.glz|.lz4> -o out.png [--width W --height H]

Decodes one SPICE-compressed image (the stream as carried in the image's data) to PNG.
LZ4 streams carry no size: give --width and --height, or name the file ..._WxH.lz4.
`;

export async function decodeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { output: { type: "string", short: "o" }, width: { type: "string" }, height: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const file = positionals[0];
  if (!file || !values.output) throw new UsageError(HELP);
  let data: Uint8Array;
  try {
    data = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const ext = extname(file).toLowerCase();
  let image: DecodedImage;
  switch (ext) {
    case ".quic":
      image = decodeQuic(data);
      break;
    case ".lz":
      image = decodeLz(data);
      break;
    case ".glz":
      image = decodeGlz(data, new GlzDictionary(1 << 25));
      break;
    case ".lz4": {
      const m = /(\d+)x(\d+)\.lz4$/i.exec(file);
      const w = Number(values.width ?? m?.[1]);
      const h = Number(values.height ?? m?.[2]);
      if (!(w > 0 && h > 0)) throw new UsageError("LZ4 needs --width and --height");
      image = decodeLz4(data, w, h);
      break;
    }
    default:
      throw new UsageError(`unknown image type '${ext}': expected .quic, .lz, .glz or .lz4`);
  }
  await writeRgbaPng(values.output, image.width, image.height, bgraToRgbaOpaque(image.data, !image.hasAlpha));
  process.stderr.write(`${file}: ${image.width}x${image.height}${image.hasAlpha ? " with alpha" : ""} -> ${values.output}\n`);
  return 0;
}
