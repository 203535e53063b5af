import { describe, expect, it } from "vitest";
import { SpiceError } from "../wire/errors.js";
import { smartcardClient, smartcardServer, VscMessageType } from "./smartcard.js";
import { DataCompressionType, portClient, portServer, PortServerMsg, spicevmcClient, spicevmcServer } from "./spicevmc.js";
import { decodeFixture, hex, roundTrip } from "./__fixtures__/helpers.js";
import { samples } from "./__fixtures__/samples.js";

describe("smartcard and spicevmc channel schemas", () => {
  it("decodes smartcard DATA (VSC header little-endian, then length bytes)", () => {
    const b = decodeFixture(smartcardServer, "Data", hex("05000000 00000000 02000000 3b8f"));
    expect(b).toEqual({ type: VscMessageType.Atr, readerId: 0, data: hex("3b8f") });
  });

  it("decodes COMPRESSED_DATA with and without uncompressed_size", () => {
    expect(decodeFixture(spicevmcServer, "CompressedData", hex("01 d0070000 1f00"))).toEqual({
      type: DataCompressionType.Lz4,
      uncompressedSize: 2000,
      compressedData: hex("1f00"),
    });
    expect(decodeFixture(spicevmcClient, "CompressedData", hex("00 0102"))).toEqual({ type: 0, compressedData: hex("0102") });
    expect(() => spicevmcServer.decode(102, hex("07 00000000"))).toThrow(SpiceError);
  });

  it("decodes PORT INIT with the name behind a pointer", () => {
    // name_size 9, name ptr 9, opened 1, then "org.qmp\0"... (name placed after the 9-byte fixed part)
    const body = hex("08000000 09000000 01 6f72672e716d7000");
    const b = decodeFixture(portServer, "Init", body);
    expect(new TextDecoder().decode(b.name)).toBe("org.qmp");
    expect(b).toMatchObject({ nameSize: 8, opened: 1 });
    expect(() => portServer.decode(PortServerMsg.Init, hex("08000000 00000000 01"))).toThrow(SpiceError);
    expect(() => portServer.decode(PortServerMsg.Init, hex("08000000 09000000 01 6f72"))).toThrow(SpiceError);
  });

  it("round-trips every message", () => {
    for (const set of [smartcardServer, smartcardClient, spicevmcServer, spicevmcClient, portServer, portClient]) {
      const s = samples[set.scope]!;
      for (const name of Object.keys(set.defs)) {
        expect(s, `${set.scope} sample for ${name}`).toHaveProperty(name);
        roundTrip(set, name, s[name]);
      }
    }
  });
});
