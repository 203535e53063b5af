import { ALPHA_MASK, u32View } from "./byte-order.js";

/** Reverses the order of `height` rows of `stride` bytes in place (bottom-up <-> top-down). */
export function flipRows(data: Uint8Array, stride: number, height: number): void {
  if (height < 2 || stride === 0) return;
  const tmp = new Uint8Array(stride);
  for (let top = 0, bottom = (height - 1) * stride; top < bottom; top += stride, bottom -= stride) {
    tmp.set(data.subarray(top, top + stride));
    data.copyWithin(top, bottom, bottom + stride);
    data.set(tmp, bottom);
  }
}

/** Sets the alpha byte (offset 3 of every 4) to 255. */
export function setOpaque(data: Uint8Array): void {
  const w = u32View(data);
  if (w) {
    const n = w.length;
    for (let i = 0; i < n; i++) w[i] |= ALPHA_MASK;
    return;
  }
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
}
