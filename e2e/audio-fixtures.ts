// Audio helpers for the e2e tests: an Xspice whose PLAYBACK channel plays a FIFO, a sox writer
// that feeds it a sine, and a Goertzel detector.
import { join } from "node:path";
import { makeTempDir, runCommand, spawnTracked, startXspice, type TrackedProcess, type XspiceServer } from "@saffron/testkit";

export interface AudioXspice {
  xspice: XspiceServer;
  fifoDir: string;
  /** Creates the FIFO (must be after the server is up: the driver only watches for new files) and starts sox writing a tone to it. */
  playTone(freq?: number, seconds?: number): Promise<TrackedProcess>;
}

/** Xspice with XSPICE_PLAYBACK_FIFO_DIR; compression false = RAW (the default), true = OPUS. */
export async function startAudioXspice(opus: boolean): Promise<AudioXspice> {
  const fifoDir = makeTempDir("audio-fifo");
  const xspice = await startXspice({ env: { XSPICE_PLAYBACK_FIFO_DIR: fifoDir, XSPICE_PLAYBACK_COMPRESSION: opus ? "1" : "0" } });
  return {
    xspice,
    fifoDir,
    async playTone(freq = 1000, seconds = 20) {
      const fifo = join(fifoDir, "tone");
      await runCommand("mkfifo", [fifo]);
      // s16le 48 kHz stereo at half scale; the driver paces the writer.
      return spawnTracked("sox", ["-n", "-r", "48000", "-c", "2", "-b", "16", "-e", "signed-integer", "-t", "raw", fifo, "synth", String(seconds), "sine", String(freq), "gain", "-6"]);
    },
  };
}

/** Goertzel amplitude (0..1 of full scale) of `freq` in one channel of interleaved PCM. */
export function goertzel(pcm: ArrayLike<number>, freq: number, options: { rate?: number; channels?: number; channel?: number; scale?: number } = {}): number {
  const { rate = 48000, channels = 2, channel = 0, scale = 32768 } = options;
  const k = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  const n = Math.floor(pcm.length / channels);
  for (let i = 0; i < n; i++) {
    const s = pcm[i * channels + channel]! / scale + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2)) / (n / 2);
}
