import {
  array,
  custom,
  decode,
  defineMessagesFor,
  i32,
  restArray,
  restBytes,
  sizedBytes,
  struct,
  u16,
  u32,
  u64,
  u8,
  type Codec,
  type Infer,
} from "./_imports.js";
import type { DecodedMessage } from "../schema/messages.js";
import { ByteWriter } from "../wire/byte-writer.js";
import { SpiceError } from "../wire/errors.js";

/**
 * The vdagent protocol (spice-protocol vd_agent.h), carried inside MAIN AGENT_DATA:
 * a stream of VDAgentMessage headers (20 bytes) each followed by `size` bytes, cut into
 * chunks of at most AgentMaxDataSize bytes. These codecs read and write whole messages.
 */

/** VD_AGENT_PROTOCOL. */
export const AgentProtocol = 1;
/** VD_AGENT_MAX_DATA_SIZE: the largest AGENT_DATA chunk, header included. */
export const AgentMaxDataSize = 2048;
export const AgentHeaderSize = 20;

/** vd_agent.h VDAgentMessage (20 bytes LE). */
export const AgentMessageHeader = struct("AgentMessageHeader", { protocol: u32, type: u32, opaque: u64, size: u32 });
export type AgentMessageHeader = Infer<typeof AgentMessageHeader>;

/** VD_AGENT_CAP_* bit numbers (ANNOUNCE_CAPABILITIES bitmap). */
export const AgentCaps = {
  MouseState: 0,
  MonitorsConfig: 1,
  Reply: 2,
  Clipboard: 3,
  DisplayConfig: 4,
  ClipboardByDemand: 5,
  ClipboardSelection: 6,
  SparseMonitorsConfig: 7,
  GuestLineendLf: 8,
  GuestLineendCrlf: 9,
  MaxClipboard: 10,
  AudioVolumeSync: 11,
  MonitorsConfigPosition: 12,
  FileXferDisabled: 13,
  FileXferDetailedErrors: 14,
  GraphicsDeviceInfo: 15,
  ClipboardNoReleaseOnRegrab: 16,
  ClipboardGrabSerial: 17,
} as const;

/** VD_AGENT_CLIPBOARD_* data types. */
export const AgentClipboardType = {
  None: 0,
  Utf8Text: 1,
  ImagePng: 2,
  ImageBmp: 3,
  ImageTiff: 4,
  ImageJpg: 5,
  /** NUL-separated paths on the WebDAV share; the first item is "copy" or "cut". */
  FileList: 6,
} as const;

/** VD_AGENT_CLIPBOARD_SELECTION_*. */
export const AgentClipboardSelection = { Clipboard: 0, Primary: 1, Secondary: 2 } as const;

/** VD_AGENT_*BUTTON_MASK (VDAgentMouseState.buttons); note they differ from the inputs channel's mask. */
export const AgentButtonMask = { Left: 2, Middle: 4, Right: 8, Up: 16, Down: 32, Side: 64, Extra: 128 } as const;

/** VD_AGENT_CONFIG_MONITORS_FLAG_*. */
export const AgentMonitorsConfigFlags = { UsePos: 1, PhysicalSize: 2 } as const;

/** VD_AGENT_DISPLAY_CONFIG_FLAG_*. */
export const AgentDisplayConfigFlags = {
  DisableWallpaper: 1,
  DisableFontSmooth: 2,
  DisableAnimation: 4,
  SetColorDepth: 8,
} as const;

/** VDAgentReply.error. */
export const AgentReplyError = { Success: 1, Error: 2 } as const;

/** VD_AGENT_FILE_XFER_STATUS_*. */
export const AgentFileXferStatus = {
  CanSendData: 0,
  Cancelled: 1,
  Error: 2,
  Success: 3,
  NotEnoughSpace: 4,
  SessionLocked: 5,
  VdagentNotConnected: 6,
  Disabled: 7,
} as const;

/** VD_AGENT_FILE_XFER_STATUS_ERROR_* (VDAgentFileXferStatusError.errorType). */
export const AgentFileXferErrorType = { GlibIo: 0 } as const;

// ---- bodies ----

/** vd_agent.h VDAgentMouseState. */
export const AgentMouseState = struct("AgentMouseState", { x: u32, y: u32, buttons: u32, displayId: u8 });

/** vd_agent.h VDAgentMonConfig; width = height = 0 disables a monitor (SPARSE_MONITORS_CONFIG). */
export const AgentMonConfig = struct("AgentMonConfig", { height: u32, width: u32, depth: u32, x: i32, y: i32 });
export type AgentMonConfig = Infer<typeof AgentMonConfig>;

/** vd_agent.h VDAgentMonitorMM, in millimetres. */
export const AgentMonitorMm = struct("AgentMonitorMm", { height: u16, width: u16 });
export type AgentMonitorMm = Infer<typeof AgentMonitorMm>;

/**
 * vd_agent.h VDAgentMonitorsConfig: num_of_monitors, flags, the monitors, then with
 * PHYSICAL_SIZE one VDAgentMonitorMM per monitor. `physicalSizes` is null without the flag.
 */
export type AgentMonitorsConfig = { flags: number; monitors: AgentMonConfig[]; physicalSizes: AgentMonitorMm[] | null };
export const AgentMonitorsConfig = custom<AgentMonitorsConfig>(
  "AgentMonitorsConfig",
  (r, ctx) => {
    const n = r.u32("num_of_monitors");
    const flags = r.u32("monitors flags");
    if (n > 1024) throw new SpiceError("ERR_SPICE_TOO_LARGE", `agent monitors count ${n} over limit 1024`, { offset: r.pos - 8 });
    const monitors: AgentMonConfig[] = [];
    for (let i = 0; i < n; i++) monitors.push(AgentMonConfig.read(r, ctx));
    let physicalSizes: AgentMonitorMm[] | null = null;
    if (flags & AgentMonitorsConfigFlags.PhysicalSize) {
      physicalSizes = [];
      for (let i = 0; i < n; i++) physicalSizes.push(AgentMonitorMm.read(r, ctx));
    }
    return { flags, monitors, physicalSizes };
  },
  (w, v, ctx) => {
    w.u32(v.monitors.length).u32(v.flags);
    for (const m of v.monitors) AgentMonConfig.write(w, m, ctx);
    if (v.flags & AgentMonitorsConfigFlags.PhysicalSize) {
      const sizes = v.physicalSizes ?? [];
      if (sizes.length !== v.monitors.length) throw new Error("AgentMonitorsConfig: one physical size per monitor required");
      for (const s of sizes) AgentMonitorMm.write(w, s, ctx);
    }
  },
);

/** vd_agent.h VDAgentFileXferStatusError: the detail of an ERROR status (FILE_XFER_DETAILED_ERRORS). */
export const AgentFileXferStatusError = struct("AgentFileXferStatusError", { errorType: u8, errorCode: u32 });
/** vd_agent.h VDAgentFileXferStatusNotEnoughSpace: the detail of a NOT_ENOUGH_SPACE status. */
export const AgentFileXferStatusNotEnoughSpace = struct("AgentFileXferStatusNotEnoughSpace", { diskFreeSpace: u64 });

/** vd_agent.h VDAgentDeviceDisplayInfo: deviceAddress holds device_address_len bytes (NUL-terminated). */
export const AgentDeviceDisplayInfo = struct("AgentDeviceDisplayInfo", {
  channelId: u32,
  monitorId: u32,
  deviceDisplayId: u32,
  deviceAddress: sizedBytes(u32),
});

/** Negotiated agent capabilities that change message layouts. */
export interface AgentLayoutCaps {
  /** CLIPBOARD_SELECTION: clipboard messages start with selection u8 + 3 reserved bytes. */
  clipboardSelection?: boolean;
  /** CLIPBOARD_GRAB_SERIAL: CLIPBOARD_GRAB carries a serial u32 before the types. */
  clipboardGrabSerial?: boolean;
}

/** Clipboard fields that exist only with CLIPBOARD_SELECTION / CLIPBOARD_GRAB_SERIAL. */
export type ClipboardPrefix = { selection?: number; serial?: number };

/** Prefixes `body` with the selection (and serial) fields when the caps say they are on the wire. */
function clipboardMessage<T extends object>(name: string, body: Codec<T>, selection: boolean, serial: boolean): Codec<T & ClipboardPrefix> {
  return custom<T & ClipboardPrefix>(
    name,
    (r, ctx) => {
      const prefix: ClipboardPrefix = {};
      if (selection) {
        prefix.selection = r.u8("clipboard selection");
        r.skip(3, "clipboard reserved");
      }
      if (serial) prefix.serial = r.u32("clipboard serial");
      return { ...prefix, ...body.read(r, ctx) };
    },
    (w, v, ctx) => {
      if (selection) w.u8(v.selection ?? AgentClipboardSelection.Clipboard).zeros(3);
      if (serial) w.u32(v.serial ?? 0);
      body.write(w, v, ctx);
    },
  );
}

function agentDefs(caps: AgentLayoutCaps) {
  const sel = caps.clipboardSelection ?? false;
  const serial = caps.clipboardGrabSerial ?? false;
  return {
    MouseState: [1, AgentMouseState],
    MonitorsConfig: [2, AgentMonitorsConfig],
    Reply: [3, struct("AgentReply", { type: u32, error: u32 })],
    Clipboard: [4, clipboardMessage("AgentClipboard", struct("Clipboard", { type: u32, data: restBytes }), sel, false)],
    DisplayConfig: [5, struct("AgentDisplayConfig", { flags: u32, depth: u32 })],
    /** request 1 asks the peer to announce back; caps is a bitmap of AgentCaps. */
    AnnounceCapabilities: [6, struct("AgentAnnounceCapabilities", { request: u32, caps: restArray(u32) })],
    ClipboardGrab: [7, clipboardMessage("AgentClipboardGrab", struct("ClipboardGrab", { types: restArray(u32) }), sel, serial)],
    ClipboardRequest: [8, clipboardMessage("AgentClipboardRequest", struct("ClipboardRequest", { type: u32 }), sel, false)],
    ClipboardRelease: [9, clipboardMessage("AgentClipboardRelease", struct("ClipboardRelease", {}), sel, false)],
    /** data is a GKeyFile text: [vdagent-file-xfer] name=… size=… */
    FileXferStart: [10, struct("AgentFileXferStart", { id: u32, data: restBytes })],
    /** detail: AgentFileXferStatusError or AgentFileXferStatusNotEnoughSpace, by result. */
    FileXferStatus: [11, struct("AgentFileXferStatus", { id: u32, result: u32, detail: restBytes })],
    FileXferData: [12, struct("AgentFileXferData", { id: u32, size: u64, data: restBytes })],
    ClientDisconnected: [13, struct("AgentClientDisconnected", {})],
    MaxClipboard: [14, struct("AgentMaxClipboard", { max: i32 })],
    AudioVolumeSync: [15, struct("AgentAudioVolumeSync", { isPlayback: u8, mute: u8, volume: array(u8, u16) })],
    GraphicsDeviceInfo: [16, struct("AgentGraphicsDeviceInfo", { displayInfo: array(u32, AgentDeviceDisplayInfo, 1024) })],
  } as const;
}

/** Agent message bodies without CLIPBOARD_SELECTION / CLIPBOARD_GRAB_SERIAL. */
export const agentMessages = defineMessagesFor("agent", agentDefs({}));
export type AgentMessageSet = typeof agentMessages;
export type AgentMessage = DecodedMessage<AgentMessageSet["defs"]>;
export const AgentMsg = agentMessages.ids;

const bySetKey = new Map<string, AgentMessageSet>([["00", agentMessages]]);

/** The agent message set for the negotiated layout caps (cached). */
export function agentMessagesFor(caps: AgentLayoutCaps): AgentMessageSet {
  const key = `${caps.clipboardSelection ? 1 : 0}${caps.clipboardGrabSerial ? 1 : 0}`;
  let set = bySetKey.get(key);
  if (!set) {
    set = defineMessagesFor(`agent[${key}]`, agentDefs(caps));
    bySetKey.set(key, set);
  }
  return set;
}

/** Writes a whole agent message: VDAgentMessage header, then the body. */
export function encodeAgentMessage<K extends keyof AgentMessageSet["defs"] & string>(
  set: AgentMessageSet,
  name: K,
  body: Infer<AgentMessageSet["defs"][K][1]>,
  opaque = 0n,
): Uint8Array {
  const payload = set.encode(name, body);
  return new ByteWriter(AgentHeaderSize + payload.length)
    .u32(AgentProtocol)
    .u32(set.ids[name])
    .u64(opaque)
    .u32(payload.length)
    .bytes(payload)
    .finish();
}

/**
 * Reads one whole agent message (header + exactly `size` body bytes, trailing bytes
 * ignored). A wrong protocol number or a short body is a SpiceError.
 */
export function decodeAgentMessage(set: AgentMessageSet, bytes: Uint8Array): { header: AgentMessageHeader; message: AgentMessage } {
  const header = decode(AgentMessageHeader, bytes);
  if (header.protocol !== AgentProtocol) {
    throw new SpiceError("ERR_SPICE_MALFORMED", `agent protocol ${header.protocol}, expected ${AgentProtocol}`, { offset: 0 });
  }
  if (bytes.length - AgentHeaderSize < header.size) {
    throw new SpiceError("ERR_SPICE_TRUNCATED", `agent message declares ${header.size} bytes, has ${bytes.length - AgentHeaderSize}`, { offset: AgentHeaderSize });
  }
  const body = bytes.subarray(AgentHeaderSize, AgentHeaderSize + header.size);
  return { header, message: set.decode(header.type, body) };
}
