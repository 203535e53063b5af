import { ChannelType } from "../link/link-messages.js";
import type { MessageSet } from "../schema/messages.js";
import { cursorClient, cursorServer } from "./cursor.js";
import { displayClient, displayServer } from "./display.js";
import { inputsClient, inputsServer } from "./inputs.js";
import { mainClient, mainServer } from "./main.js";
import { playbackClient, playbackServer } from "./playback.js";
import { recordClient, recordServer } from "./record.js";
import { smartcardClient, smartcardServer } from "./smartcard.js";
import { portClient, portServer, spicevmcClient, spicevmcServer } from "./spicevmc.js";

/** Channel types, link errors and capability numbers (spice.proto protocol Spice, protocol.h). */

// ChannelType, LinkErr and the common caps are defined once, with the link stage.
export { ChannelType, LinkErr } from "../link/link-messages.js";
/** Common capability bits (SPICE_COMMON_CAP_*): the link stage's CommonCap under its plural name. */
export { CommonCap as CommonCaps } from "../link/capabilities.js";

/** Main channel capability bits (SPICE_MAIN_CAP_*). */
export const MainCaps = {
  SemiSeamlessMigrate: 0,
  NameAndUuid: 1,
  AgentConnectedTokens: 2,
  SeamlessMigrate: 3,
} as const;

export { DisplayCaps } from "./display.js";
export { InputsCaps } from "./inputs.js";
export { PlaybackCaps } from "./playback.js";
export { RecordCaps } from "./record.js";
export { SpicevmcCaps } from "./spicevmc.js";

/** The server (server → client) and client (client → server) message sets of a channel. */
export interface ChannelMessages<S extends MessageSet<any> = MessageSet<any>, C extends MessageSet<any> = MessageSet<any>> {
  readonly server: S;
  readonly client: C;
}

const table = {
  [ChannelType.Main]: { server: mainServer, client: mainClient },
  [ChannelType.Display]: { server: displayServer, client: displayClient },
  [ChannelType.Inputs]: { server: inputsServer, client: inputsClient },
  [ChannelType.Cursor]: { server: cursorServer, client: cursorClient },
  [ChannelType.Playback]: { server: playbackServer, client: playbackClient },
  [ChannelType.Record]: { server: recordServer, client: recordClient },
  [ChannelType.Smartcard]: { server: smartcardServer, client: smartcardClient },
  [ChannelType.Usbredir]: { server: spicevmcServer, client: spicevmcClient },
  [ChannelType.Port]: { server: portServer, client: portClient },
  [ChannelType.Webdav]: { server: portServer, client: portClient },
} as const;
type Table = typeof table;

/** The message sets of a channel type; undefined for TUNNEL and unknown types. */
export function channelMessages<T extends keyof Table>(type: T): Table[T];
export function channelMessages(type: number): ChannelMessages | undefined;
export function channelMessages(type: number): ChannelMessages | undefined {
  return (table as Record<number, ChannelMessages>)[type];
}

/** Every channel type that has message sets here. */
export const channelTypesWithMessages: readonly ChannelType[] = Object.keys(table).map(Number) as ChannelType[];

const names = new Map<number, string>(Object.entries(ChannelType).map(([k, v]) => [v, k.toLowerCase()]));

/** "display", "webdav", … or "channel<N>" for an unknown type. */
export function channelTypeName(type: number): string {
  return names.get(type) ?? `channel${type}`;
}
