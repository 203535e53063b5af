import { defineMessagesFor, struct, u16, u32 } from "./_imports.js";
import { baseClientMessages, baseServerMessages } from "./base.js";
import { AudioMode, AudioMute, AudioPacket, AudioVolume } from "./playback.js";

/** RECORD channel (type 6): spice.proto channel RecordChannel. No ACK window. */

/** Record channel capability bits (SPICE_RECORD_CAP_*). */
export const RecordCaps = { Celt051: 0, Volume: 1, Opus: 2 } as const;

export const recordServer = defineMessagesFor("record.server", {
  ...baseServerMessages,
  Start: [101, struct("RecordStart", { channels: u32, format: u16, frequency: u32 })],
  Stop: [102, struct("RecordStop", {})],
  Volume: [103, AudioVolume],
  Mute: [104, AudioMute],
});

export const recordClient = defineMessagesFor("record.client", {
  ...baseClientMessages,
  Data: [101, AudioPacket],
  Mode: [102, AudioMode],
  StartMark: [103, struct("RecordStartMark", { time: u32 })],
});

export const RecordServerMsg = recordServer.ids;
export const RecordClientMsg = recordClient.ids;
