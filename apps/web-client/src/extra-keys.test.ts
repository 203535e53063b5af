import { describe, expect, it } from "vitest";
import { EXTRA_KEYS, MODIFIER_KEYS, ModifierLatch, sendChord } from "./extra-keys.js";
import { shortcutFor } from "./shortcuts.js";

function recorder() {
  const sent: string[] = [];
  return { sent, sendKey: (code: string, down?: boolean) => void sent.push(`${code}${down ? "+" : "-"}`) };
}

describe("extra keys", () => {
  it("has Esc, Tab, PrintScreen, F1-F12 and Ctrl-Alt-F1..F7", () => {
    const ids = EXTRA_KEYS.map((k) => k.id);
    expect(ids).toEqual(expect.arrayContaining(["esc", "tab", "printscreen", "f1", "f12", "cad-f1", "cad-f7"]));
    expect(EXTRA_KEYS.find((k) => k.id === "cad-f3")!.codes).toEqual(["ControlLeft", "AltLeft", "F3"]);
  });

  it("a chord presses in order and releases in reverse", () => {
    const r = recorder();
    sendChord(r, ["ControlLeft", "AltLeft", "F2"]);
    expect(r.sent).toEqual(["ControlLeft+", "AltLeft+", "F2+", "F2-", "AltLeft-", "ControlLeft-"]);
  });

  it("modifiers latch until clicked again or released all at once", () => {
    const r = recorder();
    const latch = new ModifierLatch();
    const [ctrl, alt, win] = MODIFIER_KEYS as [never, never, never];
    expect(latch.toggle(r, ctrl)).toBe(true);
    expect(latch.toggle(r, win)).toBe(true);
    expect(latch.toggle(r, ctrl)).toBe(false);
    latch.toggle(r, alt);
    latch.releaseAll(r);
    expect(r.sent).toEqual(["ControlLeft+", "MetaLeft+", "ControlLeft-", "AltLeft+", "MetaLeft-", "AltLeft-"]);
    expect(latch.isHeld("alt")).toBe(false);
  });

  it("page shortcuts are Ctrl+Alt+Shift+letter by physical key", () => {
    const k = (code: string, mods: Partial<Record<"ctrlKey" | "altKey" | "shiftKey" | "metaKey", boolean>>) => ({ code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods });
    expect(shortcutFor(k("KeyF", { ctrlKey: true, altKey: true, shiftKey: true }))).toBe("fullscreen");
    expect(shortcutFor(k("KeyF", { ctrlKey: true, altKey: true }))).toBeUndefined();
    expect(shortcutFor(k("KeyX", { ctrlKey: true, altKey: true, shiftKey: true }))).toBeUndefined();
  });
});
