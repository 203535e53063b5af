/** SPICE bitmap flags (SpiceBitmapFlags, protocol-map 5.1), also used by LZ_PLT. */
export const BitmapFlags = {
  /** Store this image's palette in the palette cache under `Palette.unique`. */
  PalCacheMe: 1,
  /** The palette is not in the message: look up `palette_id` in the palette cache. */
  PalFromCache: 2,
  /** The first row in the data is the top display row (otherwise the bottom one). */
  TopDown: 4,
} as const;
export type BitmapFlags = (typeof BitmapFlags)[keyof typeof BitmapFlags];
