import { createRequire } from "node:module";
import type OpusScriptType from "opusscript";
import type { OpusDecoder, OpusDecoderConfig, OpusDecoderFactory } from "../channels/playback/opus-decoder.js";

const require = createRequire(import.meta.url);
let OpusScript: typeof OpusScriptType | undefined;

/** Rates libopus decodes at. */
const OPUS_RATES = [8000, 12000, 16000, 24000, 48000] as const;
type OpusRate = (typeof OPUS_RATES)[number];

/**
 * An Opus decoder for Node built on opusscript (libopus 1.4 compiled to WebAssembly: no
 * native code, no install script, any platform). Synchronous: decode() returns the PCM.
 * opusscript is loaded on first use, so sessions without Opus audio never load it.
 */
export function createNodeOpusDecoder(): OpusDecoderFactory {
  return (config: OpusDecoderConfig): OpusDecoder => {
    if (!OPUS_RATES.includes(config.frequency as OpusRate)) throw new RangeError(`Opus cannot decode at ${config.frequency} Hz`);
    if (config.channels < 1 || config.channels > 2) throw new RangeError(`Opus decoder for ${config.channels} channels (1 or 2 only)`);
    OpusScript ??= require("opusscript") as typeof OpusScriptType;
    let dec: OpusScriptType | undefined = new OpusScript(config.frequency as OpusRate, config.channels, OpusScript.Application.AUDIO);
    return {
      decode(packet: Uint8Array): Int16Array {
        if (!dec) throw new Error("the Opus decoder is closed");
        // opusscript's input buffer holds one maximum-size Opus packet.
        if (packet.length === 0 || packet.length > OpusScript!.MAX_PACKET_SIZE) throw new RangeError(`an Opus packet of ${packet.length} bytes`);
        const pcm = dec.decode(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength));
        const out = new Int16Array(pcm.length >> 1);
        new Uint8Array(out.buffer).set(pcm.subarray(0, out.length * 2));
        return out;
      },
      close(): void {
        dec?.delete();
        dec = undefined;
      },
    };
  };
}
