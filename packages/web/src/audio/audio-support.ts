/** Whether this page can play a session's audio (WebAudio with AudioWorklet); false in workers. */
export function audioPlaybackSupported(): boolean {
  return typeof AudioContext !== "undefined" && typeof AudioWorkletNode !== "undefined";
}
