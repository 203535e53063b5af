import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isExtendedScancode,
  keyDownBytes,
  keyStrokeForChar,
  keyUpBytes,
  knownKeyCodes,
  packKeyCode,
  packKeyCodes,
  PAUSE_SCANCODE,
  scancodeForCode,
  textToKeyStrokes,
} from "./scancodes.js";

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

describe("scancodeForCode", () => {
  it("maps the documented keys", () => {
    const expected: Record<string, number> = {
      KeyA: 0x1e,
      KeyZ: 0x2c,
      Enter: 0x1c,
      Escape: 0x01,
      Digit1: 0x02,
      Digit0: 0x0b,
      Space: 0x39,
      ShiftLeft: 0x2a,
      ShiftRight: 0x36,
      ControlLeft: 0x1d,
      ControlRight: 0xe01d,
      AltLeft: 0x38,
      AltRight: 0xe038,
      MetaLeft: 0xe05b,
      MetaRight: 0xe05c,
      ContextMenu: 0xe05d,
      ArrowRight: 0xe04d,
      ArrowLeft: 0xe04b,
      ArrowUp: 0xe048,
      ArrowDown: 0xe050,
      Insert: 0xe052,
      Delete: 0xe053,
      Home: 0xe047,
      End: 0xe04f,
      PageUp: 0xe049,
      PageDown: 0xe051,
      PrintScreen: 0xe037,
      ScrollLock: 0x46,
      NumLock: 0x45,
      NumpadDivide: 0xe035,
      NumpadMultiply: 0x37,
      NumpadSubtract: 0x4a,
      NumpadAdd: 0x4e,
      NumpadEnter: 0xe01c,
      NumpadDecimal: 0x53,
      Numpad0: 0x52,
      Numpad7: 0x47,
      F1: 0x3b,
      F10: 0x44,
      F11: 0x57,
      F12: 0x58,
      IntlBackslash: 0x56,
      IntlRo: 0x73,
      IntlYen: 0x7d,
      Lang1: 0x72,
      Lang2: 0x71,
      Pause: PAUSE_SCANCODE,
    };
    for (const [code, sc] of Object.entries(expected)) expect([code, scancodeForCode(code)]).toEqual([code, sc]);
    expect(scancodeForCode("Fn")).toBeUndefined();
    expect(scancodeForCode("keya")).toBeUndefined();
  });

  it("covers the whole 105-key layout", () => {
    const keys105 = [
      "Escape", ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`), "PrintScreen", "ScrollLock", "Pause",
      "Backquote", ...Array.from({ length: 10 }, (_, i) => `Digit${i}`), "Minus", "Equal", "Backspace",
      "Tab", ..."QWERTYUIOP".split("").map((c) => `Key${c}`), "BracketLeft", "BracketRight", "Enter",
      "CapsLock", ..."ASDFGHJKL".split("").map((c) => `Key${c}`), "Semicolon", "Quote", "Backslash",
      "ShiftLeft", "IntlBackslash", ..."ZXCVBNM".split("").map((c) => `Key${c}`), "Comma", "Period", "Slash", "ShiftRight",
      "ControlLeft", "MetaLeft", "AltLeft", "Space", "AltRight", "MetaRight", "ContextMenu", "ControlRight",
      "Insert", "Home", "PageUp", "Delete", "End", "PageDown", "ArrowUp", "ArrowLeft", "ArrowDown", "ArrowRight",
      "NumLock", "NumpadDivide", "NumpadMultiply", "NumpadSubtract", "NumpadAdd", "NumpadEnter", "NumpadDecimal",
      ...Array.from({ length: 10 }, (_, i) => `Numpad${i}`),
    ];
    expect(keys105).toHaveLength(105);
    for (const k of keys105) expect([k, scancodeForCode(k) !== undefined]).toEqual([k, true]);
    // No two of these share a scancode.
    expect(new Set(keys105.map(scancodeForCode)).size).toBe(105);
  });

  it("every table entry encodes to valid press/release bytes", () => {
    for (const code of knownKeyCodes()) {
      const sc = scancodeForCode(code)!;
      const down = keyDownBytes(sc);
      const up = keyUpBytes(sc);
      if (sc === PAUSE_SCANCODE) continue;
      expect(down.length).toBe(isExtendedScancode(sc) ? 2 : 1);
      expect(up.length).toBe(down.length);
      expect(up[up.length - 1]).toBe(down[down.length - 1] | 0x80);
      expect(down[down.length - 1] & 0x80).toBe(0);
    }
  });
});

describe("key bytes", () => {
  it("matches the live captures: a, Right, keypad /", () => {
    const a = scancodeForCode("KeyA")!;
    expect(hex(keyDownBytes(a)) + " " + hex(keyUpBytes(a))).toBe("1e 9e");
    const right = scancodeForCode("ArrowRight")!;
    expect(hex(keyDownBytes(right)) + " " + hex(keyUpBytes(right))).toBe("e0 4d e0 cd");
    const div = scancodeForCode("NumpadDivide")!;
    expect(hex(keyDownBytes(div)) + " " + hex(keyUpBytes(div))).toBe("e0 35 e0 b5");
    expect(hex(keyDownBytes(0x2a)) + " " + hex(keyUpBytes(0x2a))).toBe("2a aa");
    expect(hex(keyDownBytes(0x1c)) + " " + hex(keyUpBytes(0x1c))).toBe("1c 9c");
  });

  it("Pause presses E1 1D 45 E1 9D C5 and releases nothing", () => {
    expect(hex(keyDownBytes(PAUSE_SCANCODE))).toBe("e1 1d 45 e1 9d c5");
    expect(keyUpBytes(PAUSE_SCANCODE)).toHaveLength(0);
    expect(isExtendedScancode(PAUSE_SCANCODE)).toBe(false);
  });

  it("rejects values that are not scancodes", () => {
    for (const bad of [0, 0x80, 0xff, 0xe000, 0xe080, 0xe100 | 0x1d, 0x1ff, -1, 1.5]) {
      expect(() => keyDownBytes(bad)).toThrow(RangeError);
      expect(() => keyUpBytes(bad)).toThrow(RangeError);
    }
  });
});

describe("packKeyCode", () => {
  it("packs from the low byte up, as KEY_DOWN/KEY_UP carry it", () => {
    expect(packKeyCode(keyDownBytes(0x1e))).toBe(0x1e);
    expect(packKeyCode(keyUpBytes(0x1e))).toBe(0x9e);
    expect(packKeyCode(keyDownBytes(0xe04d))).toBe(0x4de0);
    expect(packKeyCode(keyUpBytes(0xe04d))).toBe(0xcde0);
    expect(packKeyCode(keyUpBytes(0xe035))).toBe(0xb5e0);
    expect(packKeyCode([0xe0, 0x2a, 0xe0, 0x37])).toBe(0x37e02ae0);
    expect(packKeyCode([0xff, 0xff, 0xff, 0xff])).toBe(0xffffffff);
    expect(packKeyCode([])).toBe(0);
  });

  it("refuses more than 4 bytes and zero bytes", () => {
    expect(() => packKeyCode(keyDownBytes(PAUSE_SCANCODE))).toThrow(RangeError);
    expect(() => packKeyCode([0x1e, 0x00])).toThrow(RangeError);
    expect(() => packKeyCode([0x100])).toThrow(RangeError);
  });

  it("packKeyCodes splits Pause at its sequence boundary", () => {
    expect(packKeyCodes(keyDownBytes(PAUSE_SCANCODE))).toEqual([0x451de1, 0xc59de1]);
    expect(packKeyCodes(keyDownBytes(0xe04d))).toEqual([0x4de0]);
    expect(packKeyCodes([0x1e, 0x9e, 0xe0, 0x4d, 0xe0, 0xcd])).toEqual([0x4de09e1e, 0xcde0]);
    expect(packKeyCodes([])).toEqual([]);
  });

  it("property: packKeyCodes keeps every byte in order", () => {
    const seq = fc.oneof(
      fc.integer({ min: 1, max: 0x7f }).map((b) => [b]),
      fc.integer({ min: 1, max: 0xff }).map((b) => [0xe0, b]),
      fc.constant([0xe1, 0x1d, 0x45]),
    );
    fc.assert(
      fc.property(fc.array(seq, { maxLength: 20 }), (seqs) => {
        const bytes = seqs.flat();
        const back: number[] = [];
        for (const code of packKeyCodes(bytes)) for (let c = code; c !== 0; c >>>= 8) back.push(c & 0xff);
        expect(back).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });
});

describe("textToKeyStrokes", () => {
  it("types letters, digits, punctuation and whitespace on a US layout", () => {
    expect(textToKeyStrokes("aZ1!")).toEqual([
      { code: "KeyA", shift: false },
      { code: "KeyZ", shift: true },
      { code: "Digit1", shift: false },
      { code: "Digit1", shift: true },
    ]);
    expect(textToKeyStrokes(" \t\n\r\n\r").map((s) => s.code)).toEqual(["Space", "Tab", "Enter", "Enter", "Enter"]);
    expect(textToKeyStrokes('~_+{}|:"<>?').every((s) => s.shift)).toBe(true);
    expect(textToKeyStrokes("`-=[]\\;',./").every((s) => !s.shift)).toBe(true);
    expect(textToKeyStrokes("()").map((s) => s.code)).toEqual(["Digit9", "Digit0"]);
  });

  it("every printable ASCII character has a key with a scancode", () => {
    for (let c = 0x20; c < 0x7f; c++) {
      const s = keyStrokeForChar(String.fromCharCode(c));
      expect(s).toBeDefined();
      expect(scancodeForCode(s!.code)).toBeDefined();
    }
  });

  it("throws RangeError for characters a US keyboard cannot type", () => {
    expect(() => textToKeyStrokes("ok é")).toThrow(/"é" \(character 3\)/);
    expect(() => textToKeyStrokes("😀")).toThrow(RangeError);
    expect(keyStrokeForChar("é")).toBeUndefined();
  });
});
