/**
 * A recorded SPICE session for the replay benchmark: per channel connection, the server→client
 * bytes with their arrival times (ms since the recording started). The display channel's
 * messages are what the replay measures.
 */
export interface RecordedChannel {
  /** SPICE channel type (1 main, 2 display, 3 inputs, 4 cursor ...) from the client's link message. */
  type: number;
  id: number;
  chunks: { t: number; data: Uint8Array }[];
}

export interface Recording {
  channels: RecordedChannel[];
}

/** Link header: magic, major, minor, size (u32 LE each). */
const LINK_HEADER = 16;
const DISPLAY_MARK = 102;
/** Display messages that change pixels: COPY_BITS, STREAM_DATA, DRAW_FILL..DRAW_COMPOSITE (not SURFACE_*), STREAM_DATA_SIZED. */
const DRAWS = new Set([104, 123, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 316, 318]);

export function concatChunks(chunks: { data: Uint8Array }[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.data.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c.data, at);
    at += c.data.length;
  }
  return out;
}

/** Bytes of the server's link reply (header + body) at the start of a channel's stream. */
export function linkReplyLength(s2c: Uint8Array): number {
  if (s2c.length < LINK_HEADER) throw new Error("recorded channel too short for a link reply");
  return LINK_HEADER + new DataView(s2c.buffer, s2c.byteOffset).getUint32(12, true);
}

/** Channel type and id from a client link message (header + SpiceLinkMess), or undefined if incomplete. */
export function linkTarget(c2s: Uint8Array): { type: number; id: number; commonCaps: number; length: number } | undefined {
  if (c2s.length < LINK_HEADER + 18) return undefined;
  const dv = new DataView(c2s.buffer, c2s.byteOffset, c2s.byteLength);
  const size = dv.getUint32(12, true);
  if (c2s.length < LINK_HEADER + size) return undefined;
  const numCommon = dv.getUint32(LINK_HEADER + 6, true);
  const capsOffset = dv.getUint32(LINK_HEADER + 14, true);
  const commonCaps = numCommon > 0 && LINK_HEADER + capsOffset + 4 <= c2s.length ? dv.getUint32(LINK_HEADER + capsOffset, true) : 0;
  return { type: c2s[LINK_HEADER + 4]!, id: c2s[LINK_HEADER + 5]!, commonCaps, length: LINK_HEADER + size };
}

/**
 * Rewrites the channel caps of a client link message in place (the first caps word), so the
 * server sends what a client with those caps would get.
 */
export function rewriteChannelCaps(c2s: Uint8Array, word: number): boolean {
  const dv = new DataView(c2s.buffer, c2s.byteOffset, c2s.byteLength);
  const numCommon = dv.getUint32(LINK_HEADER + 6, true);
  const numChannel = dv.getUint32(LINK_HEADER + 10, true);
  const capsOffset = dv.getUint32(LINK_HEADER + 14, true);
  const at = LINK_HEADER + capsOffset + numCommon * 4;
  if (numChannel < 1 || at + 4 > c2s.length) return false;
  dv.setUint32(at, word >>> 0, true);
  for (let i = 1; i < numChannel; i++) dv.setUint32(at + i * 4, 0, true);
  return true;
}

export interface DisplayProfile {
  /** Data-stage messages (mini headers) in the display stream. */
  messages: number;
  /** 1-based index of the first DISPLAY_MARK (the first complete frame), or of the first message when there is none. */
  firstFrameMessage: number;
  /** 1-based index of the last message that changes pixels (a draw, COPY_BITS or stream frame). */
  lastDrawMessage: number;
  /** Screen updates: runs of messages the server sent without a pause of `gapMs` or more. */
  frames: number;
  bytes: number;
  /** Recorded duration (first to last display chunk), ms. */
  durationMs: number;
}

/**
 * Counts the display channel's messages. The stream is: link reply, 4-byte auth result, then
 * mini-header messages (type u16, size u32, body).
 */
export function profileDisplay(ch: RecordedChannel, gapMs = 8): DisplayProfile {
  const all = concatChunks(ch.chunks);
  // Message end offsets, to map chunks (and their times) to messages.
  let at = linkReplyLength(all) + 4;
  const dv = new DataView(all.buffer, all.byteOffset, all.byteLength);
  let messages = 0;
  let firstFrameMessage = 0;
  let lastDrawMessage = 0;
  const ends: number[] = [];
  while (at + 6 <= all.length) {
    const type = dv.getUint16(at, true);
    const size = dv.getUint32(at + 2, true);
    if (at + 6 + size > all.length) break;
    at += 6 + size;
    messages++;
    ends.push(at);
    if (type === DISPLAY_MARK && firstFrameMessage === 0) firstFrameMessage = messages;
    if (DRAWS.has(type)) lastDrawMessage = messages;
  }
  // A frame starts at a chunk that comes gapMs or more after the previous one.
  let frames = 0;
  let last = -Infinity;
  for (const c of ch.chunks) {
    if (c.t - last >= gapMs) frames++;
    last = c.t;
  }
  const t0 = ch.chunks[0]?.t ?? 0;
  return { messages, firstFrameMessage: firstFrameMessage || 1, lastDrawMessage, frames, bytes: all.length, durationMs: last - t0 };
}

/** Serialized form: a small JSON index followed by the raw chunks. */
export function encodeRecording(r: Recording): Uint8Array {
  const index = r.channels.map((c) => ({ type: c.type, id: c.id, chunks: c.chunks.map((k) => [k.t, k.data.length]) }));
  const head = new TextEncoder().encode(JSON.stringify(index));
  const body = concatChunks(r.channels.flatMap((c) => c.chunks));
  const out = new Uint8Array(4 + head.length + body.length);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  out.set(body, 4 + head.length);
  return out;
}

export function decodeRecording(bytes: Uint8Array): Recording {
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const index = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n))) as { type: number; id: number; chunks: [number, number][] }[];
  let at = 4 + n;
  return {
    channels: index.map((c) => ({
      type: c.type,
      id: c.id,
      chunks: c.chunks.map(([t, len]) => {
        const data = bytes.slice(at, at + len);
        at += len;
        return { t, data };
      }),
    })),
  };
}
