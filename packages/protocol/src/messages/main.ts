import { array, defineMessagesFor, restBytes, sizedBytes, struct, u16, u32, u64, fixedBytes, nullablePtr, custom, type Infer } from "./_imports.js";
import { baseClientMessages, baseServerMessages } from "./base.js";
import { ChannelId } from "./common.js";

/** MAIN channel (type 1). */

export const MouseMode = { Server: 1, Client: 2 } as const;
export type MouseMode = (typeof MouseMode)[keyof typeof MouseMode];

/** A NUL-terminated string placed behind a pointer (MigrationDstInfo host/cert). */
const CString = custom<Uint8Array>(
  "CString",
  (r) => {
    const start = r.pos;
    while (r.u8("C string") !== 0);
    return r.bytes.subarray(start, r.pos - 1);
  },
  (w, v) => void w.bytes(v).u8(0),
);

export const MigrationDstInfo = struct("MigrationDstInfo", {
  port: u16,
  sport: u16,
  hostSize: u32,
  hostData: nullablePtr(CString),
  certSubjectSize: u32,
  certSubjectData: nullablePtr(CString),
});

export const MainInit = struct("MainInit", {
  sessionId: u32,
  displayChannelsHint: u32,
  supportedMouseModes: u32,
  currentMouseMode: u32,
  agentConnected: u32,
  agentTokens: u32,
  multiMediaTime: u32,
  ramHint: u32,
});
export type MainInit = Infer<typeof MainInit>;

export const ChannelsList = struct("ChannelsList", { channels: array(u32, ChannelId, 256) });

export const mainServer = defineMessagesFor("main.server", {
  ...baseServerMessages,
  MigrateBegin: [101, MigrationDstInfo],
  MigrateCancel: [102, struct("MigrateCancel", {})],
  Init: [103, MainInit],
  ChannelsList: [104, ChannelsList],
  MouseMode: [105, struct("MouseMode", { supportedModes: u16, currentMode: u16 })],
  MultiMediaTime: [106, struct("MultiMediaTime", { time: u32 })],
  AgentConnected: [107, struct("AgentConnected", {})],
  AgentDisconnected: [108, struct("AgentDisconnected", { errorCode: u32 })],
  AgentData: [109, struct("AgentData", { data: restBytes })],
  AgentToken: [110, struct("AgentToken", { numTokens: u32 })],
  MigrateSwitchHost: [111, MigrationDstInfo],
  MigrateEnd: [112, struct("MigrateEnd", {})],
  /** name_len counts the trailing NUL, which is part of the bytes. */
  Name: [113, struct("Name", { name: sizedBytes(u32) })],
  Uuid: [114, struct("Uuid", { uuid: fixedBytes(16) })],
  AgentConnectedTokens: [115, struct("AgentConnectedTokens", { numTokens: u32 })],
  MigrateBeginSeamless: [116, struct("MigrateBeginSeamless", { dstInfo: MigrationDstInfo, srcMigVersion: u32 })],
  MigrateDstSeamlessAck: [117, struct("MigrateDstSeamlessAck", {})],
  MigrateDstSeamlessNack: [118, struct("MigrateDstSeamlessNack", {})],
});

export const mainClient = defineMessagesFor("main.client", {
  ...baseClientMessages,
  ClientInfo: [101, struct("ClientInfo", { cacheSize: u64 })],
  MigrateConnected: [102, struct("MigrateConnected", {})],
  MigrateConnectError: [103, struct("MigrateConnectError", {})],
  AttachChannels: [104, struct("AttachChannels", {})],
  MouseModeRequest: [105, struct("MouseModeRequest", { mode: u16 })],
  AgentStart: [106, struct("AgentStart", { numTokens: u32 })],
  AgentData: [107, struct("AgentData", { data: restBytes })],
  AgentToken: [108, struct("AgentToken", { numTokens: u32 })],
  MigrateEnd: [109, struct("MigrateEnd", {})],
  MigrateDstDoSeamless: [110, struct("MigrateDstDoSeamless", { srcVersion: u32 })],
  MigrateConnectedSeamless: [111, struct("MigrateConnectedSeamless", {})],
  QualityIndicator: [112, struct("QualityIndicator", { text: restBytes })],
});

export const MainServerMsg = mainServer.ids;
export const MainClientMsg = mainClient.ids;

