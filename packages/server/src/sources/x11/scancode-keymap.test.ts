import { describe, expect, it } from "vitest";
import { PAUSE_SCANCODE, scancodeToEvdev, scancodeToXKeycode } from "./scancode-keymap.js";

// Expected keycodes are from `xmodmap -pke` on this machine's Xvfb (evdev keymap).
const XVFB: [scancode: number, keycode: number, keysym: string][] = [
  [0x01, 9, "Escape"],
  [0x02, 10, "1"],
  [0x0e, 22, "BackSpace"],
  [0x0f, 23, "Tab"],
  [0x10, 24, "q"],
  [0x1c, 36, "Return"],
  [0x1d, 37, "Control_L"],
  [0x1e, 38, "a"],
  [0x2a, 50, "Shift_L"],
  [0x2c, 52, "z"],
  [0x35, 61, "slash"],
  [0x36, 62, "Shift_R"],
  [0x37, 63, "KP_Multiply"],
  [0x38, 64, "Alt_L"],
  [0x39, 65, "space"],
  [0x3a, 66, "Caps_Lock"],
  [0x3b, 67, "F1"],
  [0x44, 76, "F10"],
  [0x45, 77, "Num_Lock"],
  [0x46, 78, "Scroll_Lock"],
  [0x47, 79, "KP_Home"],
  [0x53, 91, "KP_Delete"],
  [0x56, 94, "less"],
  [0x57, 95, "F11"],
  [0x58, 96, "F12"],
  [0x70, 101, "Hiragana_Katakana"],
  [0x79, 100, "Henkan_Mode"],
  [0x7b, 102, "Muhenkan"],
  [0xe01c, 104, "KP_Enter"],
  [0xe01d, 105, "Control_R"],
  [0xe020, 121, "XF86AudioMute"],
  [0xe02e, 122, "XF86AudioLowerVolume"],
  [0xe030, 123, "XF86AudioRaiseVolume"],
  [0xe035, 106, "KP_Divide"],
  [0xe037, 107, "Print"],
  [0xe038, 108, "Alt_R"],
  [0xe047, 110, "Home"],
  [0xe048, 111, "Up"],
  [0xe049, 112, "Prior"],
  [0xe04b, 113, "Left"],
  [0xe04d, 114, "Right"],
  [0xe04f, 115, "End"],
  [0xe050, 116, "Down"],
  [0xe051, 117, "Next"],
  [0xe052, 118, "Insert"],
  [0xe053, 119, "Delete"],
  [0xe05b, 133, "Super_L"],
  [0xe05c, 134, "Super_R"],
  [0xe05d, 135, "Menu"],
  [PAUSE_SCANCODE, 127, "Pause"],
];

describe("scancodeToXKeycode", () => {
  it.each(XVFB)("set-1 0x%s → X keycode %i (%s)", (scancode, keycode) => {
    expect(scancodeToXKeycode(scancode)).toBe(keycode);
  });

  it("maps the whole main block 0x01..0x53 to evdev 1..83", () => {
    for (let sc = 1; sc <= 0x53; sc++) expect(scancodeToEvdev(sc)).toBe(sc);
  });

  it("has no mapping for unknown or malformed codes", () => {
    for (const sc of [0, 0x55, 0x7f, 0x80, 0x9e, 0xe000, 0xe07f, 0xe11d, 0xe1ff, 0x1e1e, -1, 0x1_0000_0000]) {
      expect(scancodeToXKeycode(sc)).toBeUndefined();
    }
  });

  it("respects the server's keycode range", () => {
    expect(scancodeToXKeycode(0x1e, 8, 37)).toBeUndefined();
    expect(scancodeToXKeycode(0x1e, 38, 38)).toBe(38);
  });

  it("never maps two scancodes to the same keycode except the SysRq and Pause/Break pairs", () => {
    const seen = new Map<number, number>();
    const codes = [...Array.from({ length: 0x80 }, (_, i) => i), ...Array.from({ length: 0x80 }, (_, i) => 0xe000 | i), PAUSE_SCANCODE];
    for (const sc of codes) {
      const kc = scancodeToXKeycode(sc);
      if (kc === undefined) continue;
      const prev = seen.get(kc);
      if (prev !== undefined) expect([[0x54, 0xe037], [0xe046, PAUSE_SCANCODE]]).toContainEqual([prev, sc].sort((a, b) => a - b));
      seen.set(kc, sc);
    }
  });
});
