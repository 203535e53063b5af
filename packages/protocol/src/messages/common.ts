import { i16, i32, struct, u32, u64, u8, variant, array, type Infer } from "../schema/codec.js";

/** Structs shared by several channels (spice.proto's top-level structs). */

export const Point = struct("Point", { x: i32, y: i32 });
export type Point = Infer<typeof Point>;

export const Point16 = struct("Point16", { x: i16, y: i16 });
export type Point16 = Infer<typeof Point16>;

/** fixed28_4 coordinates. */
export const PointFix = struct("PointFix", { x: i32, y: i32 });
export type PointFix = Infer<typeof PointFix>;

/** Note the wire order: top, left, bottom, right. */
export const Rect = struct("Rect", { top: i32, left: i32, bottom: i32, right: i32 });
export type Rect = Infer<typeof Rect>;

export const ChannelWait = struct("ChannelWait", { channelType: u8, channelId: u8, messageSerial: u64 });
export type ChannelWait = Infer<typeof ChannelWait>;

export const ChannelId = struct("ChannelId", { type: u8, id: u8 });
export type ChannelId = Infer<typeof ChannelId>;

/** Clip: NONE, or RECTS with the rects inline. */
export const ClipType = { None: 0, Rects: 1 } as const;
export const Clip = variant("Clip", "type", u8, {
  [ClipType.None]: struct("ClipNone", {}),
  [ClipType.Rects]: struct("ClipRects", { rects: array(u32, Rect, 1 << 16) }),
});
export type Clip = Infer<typeof Clip>;

