/**
 * Copies a back-reference of `len` pixels from `ref` to `op` inside one pixel array (ref < op).
 * When the source overlaps the destination the copy repeats the period `op - ref`, exactly as a
 * pixel-by-pixel forward copy would (distance 1 is a run of one pixel).
 */
export function copyMatch32(out: Uint32Array, op: number, ref: number, len: number): void {
  const dist = op - ref;
  if (dist === 1) {
    const v = out[ref];
    if (len > 16) out.fill(v, op, op + len);
    else for (let i = 0; i < len; i++) out[op + i] = v;
  } else if (len <= 24) {
    for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
  } else if (len <= dist) {
    out.copyWithin(op, ref, ref + len);
  } else if (dist < 8) {
    for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
  } else {
    // Overlapping: every written chunk extends the valid source, so the chunk can double.
    let done = 0;
    let chunk = dist;
    while (done < len) {
      const n = Math.min(chunk, len - done);
      out.copyWithin(op + done, ref, ref + n);
      done += n;
      chunk = done + dist;
    }
  }
}

/** Same as copyMatch32 for one byte lane (`step` bytes apart, e.g. the alpha byte of BGRA). */
export function copyMatchLane(out: Uint8Array, base: number, step: number, op: number, ref: number, len: number): void {
  let d = base + op * step;
  let s = base + ref * step;
  if (step === 1) {
    if (op - ref === 1 && len > 16) out.fill(out[s], d, d + len);
    else if (len <= op - ref && len > 32) out.copyWithin(d, s, s + len);
    else for (let i = 0; i < len; i++) out[d + i] = out[s + i];
    return;
  }
  for (let i = 0; i < len; i++, d += step, s += step) out[d] = out[s];
}
