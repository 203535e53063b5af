import { describe, expect, it } from "vitest";
import { inputsClient, InputsClientMsg, inputsServer, MouseButton, MouseButtonMask } from "./inputs.js";
import { decodeFixture, hex, roundTrip } from "./__fixtures__/helpers.js";
import { samples } from "./__fixtures__/samples.js";

// Bodies seen on the wire (protocol-map §4.3).
describe("inputs channel schema", () => {
  it("decodes the 11-byte MOUSE_POSITION", () => {
    const body = hex("64000000 c8000000 0100 00");
    expect(body.length).toBe(11);
    expect(decodeFixture(inputsClient, "MousePosition", body)).toEqual({ x: 100, y: 200, buttonsState: MouseButtonMask.Left, displayId: 0 });
  });

  it("decodes press/release, key codes and scancodes", () => {
    expect(decodeFixture(inputsClient, "MousePress", hex("01 0100"))).toEqual({ button: MouseButton.Left, buttonsState: 1 });
    expect(decodeFixture(inputsClient, "MouseRelease", hex("01 0000"))).toEqual({ button: MouseButton.Left, buttonsState: 0 });
    expect(decodeFixture(inputsClient, "KeyDown", hex("1e000000")).code).toBe(0x1e);
    expect(decodeFixture(inputsClient, "KeyUp", hex("e0cd0000")).code).toBe(0xcde0);
    expect(decodeFixture(inputsClient, "KeyScancode", hex("e04de0cd")).data).toEqual(hex("e04de0cd"));
    expect(decodeFixture(inputsClient, "KeyModifiers", hex("0000"))).toEqual({ modifiers: 0 });
    expect(decodeFixture(inputsClient, "MouseMotion", hex("fdffffff 04000000 0000"))).toEqual({ dx: -3, dy: 4, buttonsState: 0 });
    expect(InputsClientMsg.MousePosition).toBe(112);
  });

  it("decodes INPUTS_INIT and KEY_MODIFIERS", () => {
    expect(decodeFixture(inputsServer, "Init", hex("0000"))).toEqual({ keyboardModifiers: 0 });
    expect(decodeFixture(inputsServer, "KeyModifiers", hex("0000"))).toEqual({ modifiers: 0 });
    expect(decodeFixture(inputsServer, "MouseMotionAck", new Uint8Array())).toEqual({});
  });

  it("round-trips every server and client message", () => {
    for (const set of [inputsServer, inputsClient]) {
      const s = samples[set.scope]!;
      for (const name of Object.keys(set.defs)) {
        expect(s, `${set.scope} sample for ${name}`).toHaveProperty(name);
        roundTrip(set, name, s[name]);
      }
    }
  });
});
