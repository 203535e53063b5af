/**
 * PC/XT set-1 scancodes for W3C KeyboardEvent.code names, and the byte sequences the INPUTS
 * channel carries (protocol-map §4.3, §9).
 *
 * A scancode here is a number: a plain key is its make code (0x01..0x7f); an extended key
 * carries its 0xE0 prefix in the next byte up (0xE04D is Right, sent as E0 4D / E0 CD). Pause is
 * the one key with no break code: PAUSE_SCANCODE stands for its E1 1D 45 E1 9D C5 press.
 */

/** Stands for Pause/Break: press E1 1D 45 E1 9D C5, nothing on release. */
export const PAUSE_SCANCODE = 0xe11d45;

const E0 = 0xe000;

/**
 * KeyboardEvent.code to set-1 scancode: the 105-key PC keyboard, the Japanese/Korean/Brazilian
 * extras, F13-F24 and the common media/browser keys. Values follow the Windows scancode column of
 * Chromium's dom_code_data.inc, except NumLock (0x45, not Windows' swapped 0xE045) and Pause.
 */
const CODE_TO_SCANCODE: ReadonlyMap<string, number> = new Map<string, number>([
  // Main block, row by row.
  ["Escape", 0x01],
  ["Digit1", 0x02], ["Digit2", 0x03], ["Digit3", 0x04], ["Digit4", 0x05], ["Digit5", 0x06],
  ["Digit6", 0x07], ["Digit7", 0x08], ["Digit8", 0x09], ["Digit9", 0x0a], ["Digit0", 0x0b],
  ["Minus", 0x0c], ["Equal", 0x0d], ["Backspace", 0x0e], ["Tab", 0x0f],
  ["KeyQ", 0x10], ["KeyW", 0x11], ["KeyE", 0x12], ["KeyR", 0x13], ["KeyT", 0x14],
  ["KeyY", 0x15], ["KeyU", 0x16], ["KeyI", 0x17], ["KeyO", 0x18], ["KeyP", 0x19],
  ["BracketLeft", 0x1a], ["BracketRight", 0x1b], ["Enter", 0x1c], ["ControlLeft", 0x1d],
  ["KeyA", 0x1e], ["KeyS", 0x1f], ["KeyD", 0x20], ["KeyF", 0x21], ["KeyG", 0x22],
  ["KeyH", 0x23], ["KeyJ", 0x24], ["KeyK", 0x25], ["KeyL", 0x26],
  ["Semicolon", 0x27], ["Quote", 0x28], ["Backquote", 0x29], ["ShiftLeft", 0x2a],
  // Backslash and the ISO "IntlHash" key (#~ next to Enter) share one scancode.
  ["Backslash", 0x2b], ["IntlHash", 0x2b],
  ["KeyZ", 0x2c], ["KeyX", 0x2d], ["KeyC", 0x2e], ["KeyV", 0x2f], ["KeyB", 0x30],
  ["KeyN", 0x31], ["KeyM", 0x32], ["Comma", 0x33], ["Period", 0x34], ["Slash", 0x35],
  ["ShiftRight", 0x36], ["NumpadMultiply", 0x37], ["AltLeft", 0x38], ["Space", 0x39],
  ["CapsLock", 0x3a],
  ["F1", 0x3b], ["F2", 0x3c], ["F3", 0x3d], ["F4", 0x3e], ["F5", 0x3f],
  ["F6", 0x40], ["F7", 0x41], ["F8", 0x42], ["F9", 0x43], ["F10", 0x44],
  ["NumLock", 0x45], ["ScrollLock", 0x46],
  ["Numpad7", 0x47], ["Numpad8", 0x48], ["Numpad9", 0x49], ["NumpadSubtract", 0x4a],
  ["Numpad4", 0x4b], ["Numpad5", 0x4c], ["Numpad6", 0x4d], ["NumpadAdd", 0x4e],
  ["Numpad1", 0x4f], ["Numpad2", 0x50], ["Numpad3", 0x51], ["Numpad0", 0x52], ["NumpadDecimal", 0x53],
  ["IntlBackslash", 0x56], ["F11", 0x57], ["F12", 0x58], ["NumpadEqual", 0x59],
  ["F13", 0x64], ["F14", 0x65], ["F15", 0x66], ["F16", 0x67], ["F17", 0x68], ["F18", 0x69],
  ["F19", 0x6a], ["F20", 0x6b], ["F21", 0x6c], ["F22", 0x6d], ["F23", 0x6e], ["F24", 0x76],
  // International keys (JIS, Korean, Brazilian).
  ["KanaMode", 0x70], ["Lang2", 0x71], ["Lang1", 0x72], ["IntlRo", 0x73],
  ["Lang4", 0x77], ["Lang3", 0x78], ["Convert", 0x79], ["NonConvert", 0x7b],
  ["IntlYen", 0x7d], ["NumpadComma", 0x7e],
  // Extended (E0-prefixed) keys of the 105-key keyboard.
  ["NumpadEnter", E0 | 0x1c], ["ControlRight", E0 | 0x1d], ["NumpadDivide", E0 | 0x35],
  ["PrintScreen", E0 | 0x37], ["AltRight", E0 | 0x38],
  ["Home", E0 | 0x47], ["ArrowUp", E0 | 0x48], ["PageUp", E0 | 0x49], ["ArrowLeft", E0 | 0x4b],
  ["ArrowRight", E0 | 0x4d], ["End", E0 | 0x4f], ["ArrowDown", E0 | 0x50], ["PageDown", E0 | 0x51],
  ["Insert", E0 | 0x52], ["Delete", E0 | 0x53],
  ["MetaLeft", E0 | 0x5b], ["MetaRight", E0 | 0x5c], ["ContextMenu", E0 | 0x5d],
  ["Pause", PAUSE_SCANCODE],
  // Power management and multimedia keys.
  ["Power", E0 | 0x5e], ["Sleep", E0 | 0x5f], ["WakeUp", E0 | 0x63],
  ["MediaTrackPrevious", E0 | 0x10], ["MediaTrackNext", E0 | 0x19], ["AudioVolumeMute", E0 | 0x20],
  ["LaunchApp2", E0 | 0x21], ["MediaPlayPause", E0 | 0x22], ["MediaStop", E0 | 0x24],
  ["AudioVolumeDown", E0 | 0x2e], ["AudioVolumeUp", E0 | 0x30], ["BrowserHome", E0 | 0x32],
  ["Help", E0 | 0x3b], ["BrowserSearch", E0 | 0x65], ["BrowserFavorites", E0 | 0x66],
  ["BrowserRefresh", E0 | 0x67], ["BrowserStop", E0 | 0x68], ["BrowserForward", E0 | 0x69],
  ["BrowserBack", E0 | 0x6a], ["LaunchApp1", E0 | 0x6b], ["LaunchMail", E0 | 0x6c],
  ["MediaSelect", E0 | 0x6d], ["Eject", E0 | 0x2c],
  ["Undo", E0 | 0x08], ["Paste", E0 | 0x0a], ["Cut", E0 | 0x17], ["Copy", E0 | 0x18],
  // Older names some browsers still report (Firefox before 118, Chrome before 52).
  ["OSLeft", E0 | 0x5b], ["OSRight", E0 | 0x5c],
  ["VolumeMute", E0 | 0x20], ["VolumeDown", E0 | 0x2e], ["VolumeUp", E0 | 0x30],
]);

/** The set-1 scancode for a KeyboardEvent.code, or undefined if the key has none. */
export function scancodeForCode(code: string): number | undefined {
  return CODE_TO_SCANCODE.get(code);
}

/** Every KeyboardEvent.code name the table knows. */
export function knownKeyCodes(): string[] {
  return [...CODE_TO_SCANCODE.keys()];
}

/** True for 0xE0-prefixed scancodes. */
export function isExtendedScancode(scancode: number): boolean {
  return scancode !== PAUSE_SCANCODE && (scancode & 0xff00) === E0;
}

function checkScancode(scancode: number): void {
  if (scancode === PAUSE_SCANCODE) return;
  const low = scancode & 0xff;
  const ok = Number.isInteger(scancode) && low >= 0x01 && low <= 0x7f && (scancode >>> 8 === 0 || scancode >>> 8 === 0xe0);
  if (!ok) throw new RangeError(`not a set-1 scancode: 0x${scancode.toString(16)}`);
}

/** Bytes for a key press, as KEY_SCANCODE carries them: [sc], [E0, sc], or the Pause sequence. */
export function keyDownBytes(scancode: number): Uint8Array {
  checkScancode(scancode);
  if (scancode === PAUSE_SCANCODE) return Uint8Array.of(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
  return isExtendedScancode(scancode) ? Uint8Array.of(0xe0, scancode & 0x7f) : Uint8Array.of(scancode);
}

/** Bytes for a key release: [sc|0x80], [E0, sc|0x80]; Pause has none. */
export function keyUpBytes(scancode: number): Uint8Array {
  checkScancode(scancode);
  if (scancode === PAUSE_SCANCODE) return new Uint8Array(0);
  return isExtendedScancode(scancode) ? Uint8Array.of(0xe0, (scancode & 0x7f) | 0x80) : Uint8Array.of(scancode | 0x80);
}

/**
 * Packs up to 4 non-zero bytes into the u32 of KEY_DOWN/KEY_UP, first byte lowest
 * ([E0, 4D] is 0x4DE0). The server stops at the first 0 byte, so 0 bytes are not allowed.
 */
export function packKeyCode(bytes: ArrayLike<number>): number {
  if (bytes.length > 4) throw new RangeError(`a key code holds at most 4 bytes, got ${bytes.length}`);
  let code = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (!Number.isInteger(b) || b < 1 || b > 0xff) throw new RangeError(`key code byte ${i} is ${b}, must be 1..255`);
    code |= b << (8 * i);
  }
  return code >>> 0;
}

/**
 * Splits a byte sequence into KEY_DOWN/KEY_UP codes of at most 4 bytes each without cutting a
 * prefixed sequence (E0 xx, E1 xx yy) in two. Pause's press becomes 0x451DE1 then 0xC59DE1.
 */
export function packKeyCodes(bytes: ArrayLike<number>): number[] {
  const codes: number[] = [];
  let chunk: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const len = bytes[i] === 0xe0 ? 2 : bytes[i] === 0xe1 ? 3 : 1;
    const seq = Array.from({ length: Math.min(len, bytes.length - i) }, (_, k) => bytes[i + k]);
    if (chunk.length + seq.length > 4) {
      codes.push(packKeyCode(chunk));
      chunk = [];
    }
    chunk.push(...seq);
    i += seq.length;
  }
  if (chunk.length > 0) codes.push(packKeyCode(chunk));
  return codes;
}

/** One key to type: its KeyboardEvent.code and whether Shift is held. */
export interface KeyStroke {
  code: string;
  shift: boolean;
}

/** US layout: character to [code, shift]. Letters and digits are added below. */
const US_CHARS = new Map<string, KeyStroke>();
{
  const add = (ch: string, code: string, shift: boolean): void => void US_CHARS.set(ch, { code, shift });
  for (let i = 0; i < 26; i++) {
    const lower = String.fromCharCode(0x61 + i);
    const code = `Key${lower.toUpperCase()}`;
    add(lower, code, false);
    add(lower.toUpperCase(), code, true);
  }
  const shiftedDigits = ")!@#$%^&*(";
  for (let d = 0; d <= 9; d++) {
    add(String(d), `Digit${d}`, false);
    add(shiftedDigits[d], `Digit${d}`, true);
  }
  const pairs: Array<[string, string, string]> = [
    ["`", "~", "Backquote"],
    ["-", "_", "Minus"],
    ["=", "+", "Equal"],
    ["[", "{", "BracketLeft"],
    ["]", "}", "BracketRight"],
    ["\\", "|", "Backslash"],
    [";", ":", "Semicolon"],
    ["'", '"', "Quote"],
    [",", "<", "Comma"],
    [".", ">", "Period"],
    ["/", "?", "Slash"],
  ];
  for (const [plain, shifted, code] of pairs) {
    add(plain, code, false);
    add(shifted, code, true);
  }
  add(" ", "Space", false);
  add("\n", "Enter", false);
  add("\r", "Enter", false);
  add("\t", "Tab", false);
}

/** The stroke that types `ch` on a US keyboard, or undefined if it has none. */
export function keyStrokeForChar(ch: string): KeyStroke | undefined {
  const s = US_CHARS.get(ch);
  return s && { ...s };
}

/**
 * Key strokes that type `text` on a US layout (letters, digits, punctuation, space, tab,
 * newline as Enter; "\r\n" is one Enter). Throws RangeError naming the first character with no
 * key; use keyStrokeForChar to skip such characters instead.
 */
export function textToKeyStrokes(text: string): KeyStroke[] {
  const out: KeyStroke[] = [];
  const chars = Array.from(text); // code points, so a surrogate pair is reported whole
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === "\r" && chars[i + 1] === "\n") continue;
    const s = keyStrokeForChar(ch);
    if (!s) throw new RangeError(`no US-layout key types ${JSON.stringify(ch)} (character ${i})`);
    out.push(s);
  }
  return out;
}
