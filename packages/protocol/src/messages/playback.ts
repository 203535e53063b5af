import { array, defineMessagesFor, restBytes, struct, u16, u32, u8 } from "./_imports.js";
import { baseClientMessages, baseServerMessages } from "./base.js";

/** PLAYBACK channel (type 5): spice.proto channel PlaybackChannel. No ACK window. */

/** Playback channel capability bits (SPICE_PLAYBACK_CAP_*). */
export const PlaybackCaps = { Celt051: 0, Volume: 1, Latency: 2, Opus: 3 } as const;

/** spice.proto enum16 audio_data_mode. */
export const AudioDataMode = { Invalid: 0, Raw: 1, Celt051: 2, Opus: 3 } as const;
export type AudioDataMode = (typeof AudioDataMode)[keyof typeof AudioDataMode];

/** spice.proto enum16 audio_fmt: samples are interleaved little-endian S16. */
export const AudioFormat = { Invalid: 0, S16: 1 } as const;

/** spice.proto message AudioVolume (shared with RECORD). */
export const AudioVolume = struct("AudioVolume", { volume: array(u8, u16) });
/** spice.proto message AudioMute (shared with RECORD). */
export const AudioMute = struct("AudioMute", { mute: u8 });
/** DATA: an mm-time stamp, then one RAW frame or one Opus packet. */
export const AudioPacket = struct("AudioPacket", { time: u32, data: restBytes });
/** MODE: mode is an AudioDataMode. */
export const AudioMode = struct("AudioMode", { time: u32, mode: u16, data: restBytes });

export const playbackServer = defineMessagesFor("playback.server", {
  ...baseServerMessages,
  Data: [101, AudioPacket],
  Mode: [102, AudioMode],
  Start: [103, struct("PlaybackStart", { channels: u32, format: u16, frequency: u32, time: u32 })],
  Stop: [104, struct("PlaybackStop", {})],
  Volume: [105, AudioVolume],
  Mute: [106, AudioMute],
  Latency: [107, struct("PlaybackLatency", { latencyMs: u32 })],
});

export const playbackClient = defineMessagesFor("playback.client", { ...baseClientMessages });

export const PlaybackServerMsg = playbackServer.ids;
export const PlaybackClientMsg = playbackClient.ids;
