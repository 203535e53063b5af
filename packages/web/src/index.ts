export { SpiceConsole, type RemoteSessionInfo, type SpiceConsoleOptions } from "./spice-console.js";
export type { CompressionName, SessionStartSpec } from "./start-options.js";
export type { SessionPlacement } from "./session-link.js";
export { DEFAULT_PROTOCOLS, type PreconnectRequest } from "./worker-protocol.js";
export { preconnectFromHash, workerUrlWithPreconnect, type PreconnectTarget } from "./worker-preconnect.js";
export { PreloadedSessionWorker } from "./preloaded-worker.js";
export type {
  ConsoleState,
  ConnectDetail,
  ConnectionTimings,
  CredentialsRequiredDetail,
  DisconnectDetail,
  FramePresentedDetail,
  PointerLockDetail,
  ResizeDetail,
  SpiceConsoleEventMap,
  StatsDetail,
  TextInputDetail,
} from "./events.js";
export type { ScalingMode } from "./canvas-view.js";
export { AudioPlayer, type AudioPlayerOptions, type AudioStats } from "./audio/audio-player.js";
export { audioPlaybackSupported } from "./audio/audio-support.js";
export { forwardPlayback, type AudioEvent } from "./audio/audio-events.js";
export { webCodecsOpusDecoder } from "./audio/webcodecs-opus.js";
export type { AgentStateDetail, ClipboardDetail, FileTransferDetail } from "./agent/agent-events.js";
export { remoteSizeFor } from "./agent/console-agent.js";
