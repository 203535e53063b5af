import { array, encode, struct, u16, u32, u64, type Infer } from "../schema/codec.js";

/** Data-stage headers and sub-message lists (protocol-map §3.1, protocol.h). */

/** `SpiceMiniDataHeader`: used when both sides advertised MINI_HEADER. */
export const MiniDataHeader = struct("MiniDataHeader", { type: u16, size: u32 });
export type MiniDataHeader = Infer<typeof MiniDataHeader>;

/** `SpiceDataHeader`: the full header. */
export const DataHeader = struct("DataHeader", { serial: u64, type: u16, size: u32, subList: u32 });
export type DataHeader = Infer<typeof DataHeader>;

/** `SpiceSubMessageList`: a u16 count (not a byte size) of u32 offsets from the body start. */
export const SubMessageList = struct("SubMessageList", { offsets: array(u16, u32) });
/** `SpiceSubMessage` header; `size` body bytes follow. */
export const SubMessageHeader = struct("SubMessageHeader", { type: u16, size: u32 });

export const MINI_HEADER_SIZE = encode(MiniDataHeader, { type: 0, size: 0 }).length;
export const FULL_HEADER_SIZE = encode(DataHeader, { serial: 0n, type: 0, size: 0, subList: 0 }).length;

/** `SPICE_MSG_LIST`: a message whose body is only a sub-message list. */
export const SPICE_MSG_LIST = 8;
