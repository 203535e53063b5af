import { custom, defineMessagesFor, nullablePtr, restBytes, struct, u32, u8, variant, type Infer } from "./_imports.js";
import { SpiceError } from "../wire/errors.js";
import { baseClientMessages, baseServerMessages } from "./base.js";

/**
 * The spicevmc family: USBREDIR (9) and PORT (10) / WEBDAV (11), spice.proto channels
 * SpicevmcChannel, UsbredirChannel, PortChannel, WebDAVChannel. DATA carries the raw
 * tunnelled stream; COMPRESSED_DATA a single raw LZ4 block.
 */

/** Spicevmc channel capability bits (SPICE_SPICEVMC_CAP_*). */
export const SpicevmcCaps = { DataCompressLz4: 0 } as const;

/** spice.proto enum8 data_compression_type. */
export const DataCompressionType = { None: 0, Lz4: 1 } as const;

/** spice.proto port event values (PORT EVENT both ways). */
export const PortEvent = { Opened: 0, Closed: 1, Break: 2 } as const;

/** spice.proto message Data. */
export const VmcData = struct("Data", { data: restBytes });

/** spice.proto message CompressedData: uncompressedSize only when type is not NONE. */
export const CompressedData = variant("CompressedData", "type", u8, {
  [DataCompressionType.None]: struct("CompressedDataNone", { compressedData: restBytes }),
  [DataCompressionType.Lz4]: struct("CompressedDataLz4", { uncompressedSize: u32, compressedData: restBytes }),
});
export type CompressedData = Infer<typeof CompressedData>;

/** A NUL-terminated string behind a pointer (PORT INIT name); the NUL is not part of the value. */
const CString = custom<Uint8Array>(
  "CString",
  (r) => {
    const start = r.pos;
    while (r.u8("C string") !== 0);
    return r.bytes.subarray(start, r.pos - 1);
  },
  (w, v) => void w.bytes(v).u8(0),
);

/**
 * PORT INIT: the name is a NUL-terminated string placed after the fixed part; `name`
 * excludes the NUL and `nameSize` is kept as sent.
 */
export type PortInit = { nameSize: number; name: Uint8Array; opened: number };
const namePtr = nullablePtr(CString);
export const PortInit = custom<PortInit>(
  "PortInit",
  (r, ctx) => {
    const nameSize = r.u32("port name_size");
    const name = namePtr.read(r, ctx);
    if (name === null) throw new SpiceError("ERR_SPICE_MALFORMED", "null port name pointer", { offset: r.pos - 4 });
    return { nameSize, name, opened: r.u8("port opened") };
  },
  (w, v, ctx) => {
    w.u32(v.nameSize);
    namePtr.write(w, v.name, ctx);
    w.u8(v.opened);
  },
);

export const PortEventMessage = struct("PortEvent", { event: u8 });

const vmcServerMessages = {
  ...baseServerMessages,
  Data: [101, VmcData],
  CompressedData: [102, CompressedData],
} as const;

const vmcClientMessages = {
  ...baseClientMessages,
  Data: [101, VmcData],
  CompressedData: [102, CompressedData],
} as const;

/** USBREDIR (and any plain spicevmc channel). */
export const spicevmcServer = defineMessagesFor("spicevmc.server", vmcServerMessages);
export const spicevmcClient = defineMessagesFor("spicevmc.client", vmcClientMessages);

/** PORT and WEBDAV (WebDAVChannel derives from PortChannel). */
export const portServer = defineMessagesFor("port.server", {
  ...vmcServerMessages,
  Init: [201, PortInit],
  Event: [202, PortEventMessage],
});
export const portClient = defineMessagesFor("port.client", {
  ...vmcClientMessages,
  Event: [201, PortEventMessage],
});

export const SpicevmcServerMsg = spicevmcServer.ids;
export const SpicevmcClientMsg = spicevmcClient.ids;
export const PortServerMsg = portServer.ids;
export const PortClientMsg = portClient.ids;
