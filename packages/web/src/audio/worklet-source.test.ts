import { describe, expect, it } from "vitest";
import { PLAYBACK_PROCESSOR, playbackWorkletSource } from "./worklet-source.js";

describe("playbackWorkletSource", () => {
  it("is a self-contained module that registers a processor playing pushed PCM", () => {
    const registered: Record<string, new (o: unknown) => any> = {};
    class AudioWorkletProcessor {
      port = { onmessage: undefined as ((e: { data: unknown }) => void) | undefined, sent: [] as unknown[], postMessage(m: unknown) { this.sent.push(m); } };
    }
    new Function("AudioWorkletProcessor", "registerProcessor", playbackWorkletSource())(AudioWorkletProcessor, (name: string, cls: new (o: unknown) => unknown) => (registered[name] = cls));
    const Proc = registered[PLAYBACK_PROCESSOR]!;
    const p = new Proc({ processorOptions: { channels: 2, capacity: 4800, target: 256, max: 2400 } });
    p.port.onmessage({ data: { pcm: new Float32Array(600).map((_, i) => i / 1000), channels: 2 } });
    const out = [new Float32Array(128), new Float32Array(128)];
    for (let i = 0; i < 19; i++) expect(p.process([], [out])).toBe(true);
    expect(out[0]![0]).toBe(0);
    expect(p.port.sent.at(-1)).toMatchObject({ fill: 0, underruns: 1, playing: false });
    p.port.onmessage({ data: { pcm: new Float32Array(1200).fill(0.25), channels: 2 } }); // over the grown target (320)
    p.process([], [out]);
    expect(out[1]![127]).toBe(0.25);
  });
});
