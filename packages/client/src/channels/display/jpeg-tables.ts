/**
 * MJPEG frames from spice-server are "abbreviated" JPEG: only a stream's first frame carries
 * the Huffman tables (DHT); later frames have SOI, APP0, DQT, SOF0, SOS but no DHT, because
 * the server compresses every frame with one libjpeg object and a libjpeg decompressor keeps
 * the tables it saw in earlier frames (observed on the wire with Xspice / spice-server 0.15:
 * frame 1 `DQT DQT SOF0 DHT x4 SOS`, frame 2 `DQT DQT SOF0 SOS`).
 *
 * Decoders that take one self-contained JPEG at a time (jpeg-js, browser image decoders)
 * need those tables back. `JpegTableCarrier` remembers every quantization and Huffman table a
 * stream has defined and, for a frame that lacks some of them, puts the remembered ones right
 * after SOI (the frame's own definitions follow and win, as in JPEG's "last definition
 * counts" rule). Input it cannot parse is returned unchanged for the decoder to reject.
 */
export class JpegTableCarrier {
  /** Table body (the bytes after the marker's length field, one table) by "q<id>" / "h<class><id>". */
  private readonly tables = new Map<string, Uint8Array>();

  /** `frame` with the tables it relies on from earlier frames; `frame` itself when none are missing. */
  complete(frame: Uint8Array): Uint8Array {
    const own = scanTables(frame);
    if (!own) return frame;
    const missingQ: Uint8Array[] = [];
    const missingH: Uint8Array[] = [];
    for (const [key, body] of this.tables) {
      if (own.has(key)) continue;
      (key[0] === "q" ? missingQ : missingH).push(body);
    }
    for (const [key, body] of own) this.tables.set(key, body);
    if (missingQ.length === 0 && missingH.length === 0) return frame;
    const segments = [segment(0xdb, missingQ), segment(0xc4, missingH)].filter((s) => s.length > 0);
    const extra = segments.reduce((n, s) => n + s.length, 0);
    const out = new Uint8Array(frame.length + extra);
    out.set(frame.subarray(0, 2), 0); // SOI
    let at = 2;
    for (const s of segments) {
      out.set(s, at);
      at += s.length;
    }
    out.set(frame.subarray(2), at);
    return out;
  }
}

/** One DQT/DHT marker segment holding `bodies` (empty array: no segment). */
function segment(marker: number, bodies: Uint8Array[]): Uint8Array {
  if (bodies.length === 0) return new Uint8Array(0);
  const length = 2 + bodies.reduce((n, b) => n + b.length, 0);
  if (length > 0xffff) return new Uint8Array(0); // cannot happen for 4 DQT + 8 DHT tables
  const out = new Uint8Array(2 + length);
  out[0] = 0xff;
  out[1] = marker;
  out[2] = length >> 8;
  out[3] = length & 0xff;
  let at = 4;
  for (const b of bodies) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * The DQT and DHT tables defined before the first SOS, each as its own body (copied, since
 * frames may share a buffer that is reused). Undefined when the markers do not parse.
 */
function scanTables(jpeg: Uint8Array): Map<string, Uint8Array> | undefined {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return undefined;
  const found = new Map<string, Uint8Array>();
  let pos = 2;
  for (;;) {
    if (pos + 4 > jpeg.length || jpeg[pos] !== 0xff) return undefined;
    while (pos + 4 <= jpeg.length && jpeg[pos + 1] === 0xff) pos++; // fill bytes
    if (pos + 4 > jpeg.length) return undefined;
    const marker = jpeg[pos + 1]!;
    if (marker === 0xda) return found; // SOS: tables end here
    if (marker === 0xd8 || marker === 0xd9 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) return undefined;
    const length = (jpeg[pos + 2]! << 8) | jpeg[pos + 3]!;
    const end = pos + 2 + length;
    if (length < 2 || end > jpeg.length) return undefined;
    let at = pos + 4;
    if (marker === 0xdb) {
      while (at < end) {
        const pq = jpeg[at]! >> 4;
        const size = 1 + (pq ? 128 : 64);
        if (pq > 1 || at + size > end) return undefined;
        found.set(`q${jpeg[at]! & 15}`, jpeg.slice(at, at + size));
        at += size;
      }
    } else if (marker === 0xc4) {
      while (at < end) {
        if (at + 17 > end) return undefined;
        let count = 0;
        for (let i = 1; i <= 16; i++) count += jpeg[at + i]!;
        const size = 17 + count;
        if (at + size > end) return undefined;
        found.set(`h${jpeg[at]! >> 4}${jpeg[at]! & 15}`, jpeg.slice(at, at + size));
        at += size;
      }
    }
    pos = end;
  }
}
