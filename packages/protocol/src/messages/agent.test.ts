import { describe, expect, it } from "vitest";
import { SpiceError } from "../wire/errors.js";
import {
  AgentCaps,
  AgentClipboardType,
  AgentFileXferStatusError,
  AgentMessageHeader,
  agentMessages,
  agentMessagesFor,
  AgentMsg,
  decodeAgentMessage,
  encodeAgentMessage,
} from "./agent.js";
import { decode } from "../schema/codec.js";
import { hex, roundTrip } from "./__fixtures__/helpers.js";

const agentSamples: Record<string, unknown> = {
  MouseState: { x: 10, y: 20, buttons: 2, displayId: 0 },
  MonitorsConfig: {
    flags: 3,
    monitors: [{ height: 768, width: 1024, depth: 32, x: 0, y: 0 }, { height: 0, width: 0, depth: 32, x: -1024, y: 0 }],
    physicalSizes: [{ height: 200, width: 300 }, { height: 0, width: 0 }],
  },
  Reply: { type: 2, error: 1 },
  Clipboard: { type: AgentClipboardType.Utf8Text, data: hex("68690a") },
  DisplayConfig: { flags: 8, depth: 24 },
  AnnounceCapabilities: { request: 1, caps: [0x0003f077] },
  ClipboardGrab: { types: [1, 2] },
  ClipboardRequest: { type: 1 },
  ClipboardRelease: {},
  FileXferStart: { id: 1, data: hex("5b76646167656e742d66696c652d786665725d0a") },
  FileXferStatus: { id: 1, result: 2, detail: hex("00 02000000") },
  FileXferData: { id: 1, size: 3n, data: hex("616263") },
  ClientDisconnected: {},
  MaxClipboard: { max: -1 },
  AudioVolumeSync: { isPlayback: 1, mute: 0, volume: [100, 200] },
  GraphicsDeviceInfo: {
    displayInfo: [{ channelId: 0, monitorId: 0, deviceDisplayId: 1, deviceAddress: hex("7063692f3030303000") }],
  },
};

describe("vdagent schema", () => {
  it("frames an ANNOUNCE_CAPABILITIES message with the 20-byte header", () => {
    const bytes = encodeAgentMessage(agentMessages, "AnnounceCapabilities", { request: 1, caps: [0x7] });
    expect(bytes).toEqual(hex("01000000 06000000 0000000000000000 08000000 01000000 07000000"));
    const { header, message } = decodeAgentMessage(agentMessages, bytes);
    expect(header).toEqual({ protocol: 1, type: AgentMsg.AnnounceCapabilities, opaque: 0n, size: 8 });
    expect(message.body).toEqual({ request: 1, caps: [7] });
    expect(decode(AgentMessageHeader, bytes).size).toBe(8);
  });

  it("rejects a wrong protocol and a short body", () => {
    expect(() => decodeAgentMessage(agentMessages, hex("02000000 06000000 0000000000000000 00000000"))).toThrow(SpiceError);
    expect(() => decodeAgentMessage(agentMessages, hex("01000000 06000000 0000000000000000 08000000 01000000"))).toThrow(SpiceError);
  });

  it("adds the selection (and grab serial) only when the caps say so", () => {
    const plain = agentMessages.encode("ClipboardGrab", { types: [1] });
    expect(plain).toEqual(hex("01000000"));
    const sel = agentMessagesFor({ clipboardSelection: true });
    expect(sel.encode("ClipboardGrab", { selection: 1, types: [1] })).toEqual(hex("01000000 01000000"));
    const both = agentMessagesFor({ clipboardSelection: true, clipboardGrabSerial: true });
    const grab = hex("01000000 05000000 01000000 02000000");
    expect(both.decode(AgentMsg.ClipboardGrab, grab).body).toEqual({ selection: 1, serial: 5, types: [1, 2] });
    expect(both.decode(AgentMsg.ClipboardRelease, hex("02000000")).body).toEqual({ selection: 2 });
    expect(both.decode(AgentMsg.ClipboardRequest, hex("00000000 01000000")).body).toEqual({ selection: 0, type: 1 });
    expect(agentMessagesFor({ clipboardSelection: true })).toBe(sel);
    expect(agentMessagesFor({})).toBe(agentMessages);
  });

  it("reads MONITORS_CONFIG physical sizes only with PHYSICAL_SIZE", () => {
    const noSizes = hex("01000000 01000000 00030000 00040000 20000000 00000000 00000000");
    expect(agentMessages.decode(AgentMsg.MonitorsConfig, noSizes).body).toEqual({
      flags: 1,
      monitors: [{ height: 768, width: 1024, depth: 32, x: 0, y: 0 }],
      physicalSizes: null,
    });
    expect(() => agentMessages.decode(AgentMsg.MonitorsConfig, hex("01000000 02000000 00030000 00040000 20000000 00000000 00000000"))).toThrow(SpiceError);
    expect(decode(AgentFileXferStatusError, hex("00 02000000"))).toEqual({ errorType: 0, errorCode: 2 });
    expect(AgentCaps.ClipboardGrabSerial).toBe(17);
  });

  it("round-trips every agent message, with and without clipboard selection", () => {
    for (const set of [agentMessages, agentMessagesFor({ clipboardSelection: true, clipboardGrabSerial: true })]) {
      for (const name of Object.keys(set.defs)) {
        expect(agentSamples, `agent sample for ${name}`).toHaveProperty(name);
        let v = agentSamples[name] as Record<string, unknown>;
        if (set !== agentMessages && name.startsWith("Clipboard")) v = { selection: 1, ...v, ...(name === "ClipboardGrab" ? { serial: 9 } : {}) };
        roundTrip(set, name, v);
      }
    }
  });
});
