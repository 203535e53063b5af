import { describe, expect, it } from "vitest";
import { AudioDataMode, playbackClient, playbackServer } from "./playback.js";
import { recordClient, recordServer } from "./record.js";
import { decodeFixture, hex, roundTrip } from "./__fixtures__/helpers.js";
import { samples } from "./__fixtures__/samples.js";

describe("playback and record channel schemas", () => {
  it("decodes START, MODE, DATA and VOLUME", () => {
    expect(decodeFixture(playbackServer, "Start", hex("02000000 0100 80bb0000 64000000"))).toEqual({ channels: 2, format: 1, frequency: 48000, time: 100 });
    expect(decodeFixture(playbackServer, "Mode", hex("64000000 0300"))).toEqual({ time: 100, mode: AudioDataMode.Opus, data: new Uint8Array(0) });
    expect(decodeFixture(playbackServer, "Data", hex("64000000 01020304")).data).toEqual(hex("01020304"));
    expect(decodeFixture(playbackServer, "Volume", hex("02 0080 0080"))).toEqual({ volume: [0x8000, 0x8000] });
    expect(decodeFixture(recordServer, "Start", hex("02000000 0100 80bb0000"))).toEqual({ channels: 2, format: 1, frequency: 48000 });
    expect(decodeFixture(recordClient, "StartMark", hex("07000000"))).toEqual({ time: 7 });
  });

  it("round-trips every message", () => {
    for (const set of [playbackServer, playbackClient, recordServer, recordClient]) {
      const s = samples[set.scope]!;
      for (const name of Object.keys(set.defs)) {
        expect(s, `${set.scope} sample for ${name}`).toHaveProperty(name);
        roundTrip(set, name, s[name]);
      }
    }
  });
});
