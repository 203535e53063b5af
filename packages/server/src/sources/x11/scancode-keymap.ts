/**
 * PC keyboard scancodes (set 1, as SPICE carries them) to Linux evdev key codes, and from
 * there to X keycodes. X servers with an evdev/libinput keymap (Xorg, Xvfb, Xwayland) number
 * their keycodes evdev + 8, which `xmodmap -pke` on Xvfb confirms (keycode 38 = a, 114 = Right).
 */

/** Set-1 codes 0x01..0x53 equal their evdev codes (KEY_ESC = 1 … KEY_KPDOT = 83). */
const DIRECT_LAST = 0x53;

/** Non-extended set-1 codes above the direct range. */
const PLAIN: ReadonlyMap<number, number> = new Map([
  [0x54, 99], // Alt+PrintScreen (SysRq) → KEY_SYSRQ
  [0x56, 86], // the extra key left of Z on ISO keyboards → KEY_102ND
  [0x57, 87], // F11
  [0x58, 88], // F12
  [0x59, 117], // KP= → KEY_KPEQUAL
  [0x64, 183], // F13 (F13..F23 = 0x64..0x6e, F24 = 0x76)
  [0x65, 184], // F14
  [0x66, 185], // F15
  [0x67, 186], // F16
  [0x68, 187], // F17
  [0x69, 188], // F18
  [0x6a, 189], // F19
  [0x6b, 190], // F20
  [0x6c, 191], // F21
  [0x6d, 192], // F22
  [0x6e, 193], // F23
  [0x76, 194], // F24
  [0x70, 93], // Katakana/Hiragana → KEY_KATAKANAHIRAGANA
  [0x73, 89], // Ro → KEY_RO
  [0x79, 92], // Henkan → KEY_HENKAN
  [0x7b, 94], // Muhenkan → KEY_MUHENKAN
  [0x7d, 124], // Yen → KEY_YEN
  [0x7e, 121], // KP, → KEY_KPCOMMA
]);

/** Extended (0xE0-prefixed) set-1 codes, keyed by the second byte. */
const EXTENDED: ReadonlyMap<number, number> = new Map([
  [0x10, 165], // previous track
  [0x19, 163], // next track
  [0x1c, 96], // KP Enter
  [0x1d, 97], // right Ctrl
  [0x20, 113], // mute
  [0x21, 140], // calculator
  [0x22, 164], // play/pause
  [0x24, 166], // stop (media)
  [0x2e, 114], // volume down
  [0x30, 115], // volume up
  [0x32, 172], // browser home
  [0x35, 98], // KP /
  [0x37, 99], // PrintScreen → KEY_SYSRQ
  [0x38, 100], // right Alt (AltGr)
  [0x46, 119], // Ctrl+Break → KEY_PAUSE
  [0x47, 102], // Home
  [0x48, 103], // Up
  [0x49, 104], // Page Up
  [0x4b, 105], // Left
  [0x4d, 106], // Right
  [0x4f, 107], // End
  [0x50, 108], // Down
  [0x51, 109], // Page Down
  [0x52, 110], // Insert
  [0x53, 111], // Delete
  [0x5b, 125], // left Super
  [0x5c, 126], // right Super
  [0x5d, 127], // Menu → KEY_COMPOSE
  [0x5e, 116], // power
  [0x5f, 142], // sleep
  [0x63, 143], // wake
  [0x65, 217], // search
  [0x66, 156], // bookmarks
  [0x67, 173], // refresh
  [0x68, 128], // stop
  [0x69, 159], // forward
  [0x6a, 158], // back
  [0x6b, 157], // my computer
  [0x6c, 155], // mail
  [0x6d, 226], // media select
]);

/** Pause as the SPICE server's inputs channel reports it (E1 1D 45 folded into one code). */
export const PAUSE_SCANCODE = 0xe11d45;
const KEY_PAUSE = 119;

/** The Linux evdev key code for a set-1 scancode (0xE0xx for extended keys), or undefined. */
export function scancodeToEvdev(scancode: number): number | undefined {
  if (scancode === PAUSE_SCANCODE) return KEY_PAUSE;
  if (scancode >= 0x01 && scancode <= DIRECT_LAST) return scancode;
  if (scancode > 0 && scancode < 0x80) return PLAIN.get(scancode);
  if ((scancode & ~0x7f) === 0xe000) return EXTENDED.get(scancode & 0x7f);
  return undefined;
}

/** Offset between evdev codes and X keycodes on evdev-keymapped X servers. */
export const EVDEV_TO_X_OFFSET = 8;

/**
 * The X keycode for a set-1 scancode on an evdev-keymapped server, or undefined when there
 * is none or it falls outside the server's [minKeycode, maxKeycode].
 */
export function scancodeToXKeycode(scancode: number, minKeycode = 8, maxKeycode = 255): number | undefined {
  const evdev = scancodeToEvdev(scancode);
  if (evdev === undefined) return undefined;
  const keycode = evdev + EVDEV_TO_X_OFFSET;
  return keycode >= minKeycode && keycode <= maxKeycode ? keycode : undefined;
}
