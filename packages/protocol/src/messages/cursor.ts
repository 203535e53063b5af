import { custom, defineMessagesFor, struct, u16, u64, u8, type Infer } from "./_imports.js";
import { baseClientMessages, baseServerMessages } from "./base.js";
import { Point16 } from "./common.js";

/** CURSOR channel (type 4): spice.proto channel CursorChannel. No channel caps, no client messages. */

/** spice.proto enum8 cursor_type. */
export const CursorType = { Alpha: 0, Mono: 1, Color4: 2, Color8: 3, Color16: 4, Color24: 5, Color32: 6 } as const;
export type CursorType = (typeof CursorType)[keyof typeof CursorType];

/** spice.proto flags16 cursor_flags: NONE means "no cursor" and no header follows. */
export const CursorFlags = { None: 1, CacheMe: 2, FromCache: 4 } as const;

/** spice.proto struct CursorHeader (17 bytes); `unique` is the cache key. */
export const CursorHeader = struct("CursorHeader", {
  unique: u64,
  type: u8,
  width: u16,
  height: u16,
  hotSpotX: u16,
  hotSpotY: u16,
});
export type CursorHeader = Infer<typeof CursorHeader>;

/** spice.proto struct Cursor: header present unless NONE, shape data to the end of the message. */
export type Cursor = { flags: number; header: CursorHeader | null; data: Uint8Array };
export const Cursor = custom<Cursor>(
  "Cursor",
  (r, ctx) => {
    const flags = r.u16("cursor flags");
    const header = flags & CursorFlags.None ? null : CursorHeader.read(r, ctx);
    return { flags, header, data: r.view(r.remaining) };
  },
  (w, v, ctx) => {
    w.u16(v.flags);
    if (!(v.flags & CursorFlags.None)) {
      if (!v.header) throw new Error("Cursor: header required unless flags has NONE");
      CursorHeader.write(w, v.header, ctx);
    }
    w.bytes(v.data);
  },
);

export const CursorInit = struct("CursorInit", {
  position: Point16,
  trailLength: u16,
  trailFrequency: u16,
  visible: u8,
  cursor: Cursor,
});
export type CursorInit = Infer<typeof CursorInit>;

export const CursorSet = struct("CursorSet", { position: Point16, visible: u8, cursor: Cursor });
export type CursorSet = Infer<typeof CursorSet>;

export const cursorServer = defineMessagesFor("cursor.server", {
  ...baseServerMessages,
  Init: [101, CursorInit],
  Reset: [102, struct("CursorReset", {})],
  Set: [103, CursorSet],
  Move: [104, struct("CursorMove", { position: Point16 })],
  Hide: [105, struct("CursorHide", {})],
  Trail: [106, struct("CursorTrail", { length: u16, frequency: u16 })],
  InvalOne: [107, struct("CursorInvalOne", { id: u64 })],
  InvalAll: [108, struct("CursorInvalAll", {})],
});

export const cursorClient = defineMessagesFor("cursor.client", { ...baseClientMessages });

export const CursorServerMsg = cursorServer.ids;
export const CursorClientMsg = cursorClient.ids;
