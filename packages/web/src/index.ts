export { SpiceConsole, type CompressionName, type SpiceConsoleOptions } from "./spice-console.js";
export type {
  ConsoleState,
  ConnectDetail,
  CredentialsRequiredDetail,
  DisconnectDetail,
  ResizeDetail,
  SpiceConsoleEventMap,
  StatsDetail,
} from "./events.js";
export type { ScalingMode } from "./canvas-view.js";
