import { array, restBytes, sizedBytes, struct, u32, u64, u8, type Infer } from "../schema/codec.js";
import { ChannelWait } from "./common.js";

/** BaseChannel messages, inherited by every channel (ids 1..8 server, 1..6 client). */

export const MigrateFlags = { NeedFlush: 1, NeedDataTransfer: 2 } as const;
export const NotifySeverity = { Info: 0, Warn: 1, Error: 2 } as const;
export const NotifyVisibility = { Low: 0, Medium: 1, High: 2 } as const;

export const Migrate = struct("Migrate", { flags: u32 });
export const SetAck = struct("SetAck", { generation: u32, window: u32 });
/** The padding after id/timestamp is the bandwidth test payload; it is not echoed. */
export const Ping = struct("Ping", { id: u32, timestamp: u64, padding: restBytes });
export const WaitForChannels = struct("WaitForChannels", { waitList: array(u8, ChannelWait) });
export const Disconnecting = struct("Disconnecting", { timeStamp: u64, reason: u32 });
/** message_len does not count the trailing NUL that spice-server sends after it. */
export const Notify = struct("Notify", {
  timeStamp: u64,
  severity: u32,
  visibility: u32,
  what: u32,
  message: sizedBytes(u32),
});
export type Notify = Infer<typeof Notify>;

export const AckSync = struct("AckSync", { generation: u32 });
export const Pong = struct("Pong", { id: u32, timestamp: u64 });

export const baseServerMessages = {
  Migrate: [1, Migrate],
  MigrateData: [2, struct("MigrateData", { data: restBytes })],
  SetAck: [3, SetAck],
  Ping: [4, Ping],
  WaitForChannels: [5, WaitForChannels],
  Disconnecting: [6, Disconnecting],
  Notify: [7, Notify],
} as const;

export const baseClientMessages = {
  AckSync: [1, AckSync],
  Ack: [2, struct("Ack", {})],
  Pong: [3, Pong],
  MigrateFlushMark: [4, struct("MigrateFlushMark", {})],
  MigrateData: [5, struct("MigrateData", { data: restBytes })],
  Disconnecting: [6, Disconnecting],
} as const;

