import type { PlaybackChannel } from "@saffron/client";

/**
 * What the page's AudioPlayer needs from a PLAYBACK channel, as plain messages: the session
 * may run on the page's thread or in a Worker (post them with the samples' buffer transferred).
 */
export type AudioEvent =
  | { a: "start"; channels: number; frequency: number; mode: number }
  /** Interleaved S16 at the start's rate and channel count (RAW, or decoded Opus). */
  | { a: "pcm"; samples: Int16Array; time: number }
  | { a: "stop" }
  /** Per-channel volume 0..65535. */
  | { a: "volume"; volumes: number[] }
  | { a: "mute"; muted: boolean };

/**
 * Forwards a PLAYBACK channel's events to `post` (an AudioPlayer's handle(), or a Worker's
 * postMessage with `transfer`). Returns a function that stops forwarding.
 */
export function forwardPlayback(ch: PlaybackChannel, post: (ev: AudioEvent, transfer?: ArrayBuffer[]) => void): () => void {
  const offs = [
    ch.on("start", (s) => post({ a: "start", channels: s.channels, frequency: s.frequency, mode: s.mode })),
    ch.on("pcm", (samples, time) => post({ a: "pcm", samples, time }, [samples.buffer as ArrayBuffer])),
    ch.on("stop", () => post({ a: "stop" })),
    ch.on("volume", (volumes) => post({ a: "volume", volumes })),
    ch.on("mute", (muted) => post({ a: "mute", muted })),
  ];
  // A stream that started before we were attached.
  if (ch.started) post({ a: "start", channels: ch.started.channels, frequency: ch.started.frequency, mode: ch.started.mode });
  if (ch.volumes.length) post({ a: "volume", volumes: ch.volumes });
  if (ch.muted) post({ a: "mute", muted: true });
  return () => offs.forEach((off) => off());
}
