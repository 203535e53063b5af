/**
 * Text clipboard line endings between this client (LF, as browsers and Node use) and a guest
 * whose agent announced VD_AGENT_CAP_GUEST_LINEEND_CRLF (Windows guests; Linux agents announce
 * GUEST_LINEEND_LF). spice-gtk converts the same way on a non-Windows client (protocol-map §10).
 * Works on the UTF-8 bytes: CR and LF never occur inside a multi-byte sequence.
 */

const CR = 0x0d;
const LF = 0x0a;

/** Every LF not already preceded by CR becomes CRLF (for a CRLF guest); `text` itself when there is none. */
export function lfToCrlf(text: Uint8Array): Uint8Array {
  let bare = 0;
  for (let i = 0; i < text.length; i++) if (text[i] === LF && (i === 0 || text[i - 1] !== CR)) bare++;
  if (bare === 0) return text;
  const out = new Uint8Array(text.length + bare);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const b = text[i]!;
    if (b === LF && (i === 0 || text[i - 1] !== CR)) out[o++] = CR;
    out[o++] = b;
  }
  return out;
}

/** Every CRLF becomes LF (text from a CRLF guest); lone CRs stay; `text` itself when there is none. */
export function crlfToLf(text: Uint8Array): Uint8Array {
  let pairs = 0;
  for (let i = 1; i < text.length; i++) if (text[i] === LF && text[i - 1] === CR) pairs++;
  if (pairs === 0) return text;
  const out = new Uint8Array(text.length - pairs);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const b = text[i]!;
    if (b === CR && text[i + 1] === LF) continue;
    out[o++] = b;
  }
  return out;
}
