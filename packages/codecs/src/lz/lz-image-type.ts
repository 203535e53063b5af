/**
 * LZ image types (`LzImageType`, spice-common lz_common.h), shared by LZ and GLZ headers.
 * Protocol map §6.2.
 */
export const LzImageType = {
  Invalid: 0,
  Plt1Le: 1,
  Plt1Be: 2,
  Plt4Le: 3,
  Plt4Be: 4,
  Plt8: 5,
  Rgb16: 6,
  Rgb24: 7,
  Rgb32: 8,
  Rgba: 9,
  Xxxa: 10,
  A8: 11,
} as const;
export type LzImageType = (typeof LzImageType)[keyof typeof LzImageType];

/** Palette types pack this many pixels into one coded byte (0 for non-palette types). */
export function palettePixelsPerByte(type: number): number {
  switch (type) {
    case LzImageType.Plt1Le:
    case LzImageType.Plt1Be:
      return 8;
    case LzImageType.Plt4Le:
    case LzImageType.Plt4Be:
      return 2;
    case LzImageType.Plt8:
      return 1;
    default:
      return 0;
  }
}

export function isPaletteType(type: number): boolean {
  return type >= LzImageType.Plt1Le && type <= LzImageType.Plt8;
}
