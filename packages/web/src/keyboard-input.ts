import { keyDownBytes, keyUpBytes, scancodeForCode, keyStrokeForChar } from "@saffron/client/scancodes";
import type { InputSink } from "./remote-inputs.js";

const SHIFT = 0x2a;
const BACKSPACE = 0x0e;

/**
 * Keys that some browsers report without a `code` (an empty string), by their `key`: the
 * physical key they stand for. Chromium on Linux reports AltGr so ("AltGraph" with no code)
 * when the X layout maps the right Alt to ISO_Level3_Shift.
 */
const CODE_FOR_KEY: Record<string, string> = { AltGraph: "AltRight" };

/** The scancode for a keyboard event: by physical key, else by the few keys known without one. */
export function scancodeForEvent(e: { code: string; key: string }): number | undefined {
  return scancodeForCode(e.code) ?? (e.code ? undefined : scancodeForCode(CODE_FOR_KEY[e.key] ?? ""));
}

/**
 * Keyboard by physical key: KeyboardEvent.code → PC set-1 scancode, so the guest's own layout
 * applies, as with a real keyboard: AltGr is the right Alt (E0 38), a dead key is its key (the
 * guest composes the accent), and a key the browser repeats while held is pressed again
 * (typematic repeat, as a PC keyboard sends it). Handled keys are kept from the browser
 * (preventDefault). Every key still down is released when the console loses the focus or the
 * page is hidden, so no key stays stuck on the guest.
 *
 * Text no physical key produced (an IME's composition, an emoji picker, an on-screen keyboard,
 * `insertText`) arrives as input events on the focused (invisible) textarea; it is typed as
 * US-layout key strokes. Characters no US key types cannot be sent this way (SPICE has no
 * Unicode input): they are skipped and reported through `onText`.
 */
export class KeyboardInput {
  private readonly down = new Map<string, number>();
  private readonly listeners: [EventTarget, string, (e: Event) => void][] = [];

  constructor(
    private readonly target: HTMLElement,
    private readonly inputs: () => InputSink | undefined,
    private readonly enabled: () => boolean,
    private readonly onText?: (text: string, skipped: string) => void,
  ) {
    this.listen(target, "keydown", (e) => this.onKey(e as KeyboardEvent, true));
    this.listen(target, "keyup", (e) => this.onKey(e as KeyboardEvent, false));
    this.listen(target, "blur", () => this.releaseAll());
    this.listen(target, "beforeinput", (e) => this.onBeforeInput(e as InputEvent));
    this.listen(target, "compositionend", (e) => this.onCompositionEnd(e as CompositionEvent));
    // Nothing is meant to stay in the textarea.
    this.listen(target, "input", (e) => !(e as InputEvent).isComposing && this.clearText());
    const doc = target.ownerDocument;
    this.listen(doc, "visibilitychange", () => doc.visibilityState === "hidden" && this.releaseAll());
  }

  private listen(t: EventTarget, type: string, fn: (e: Event) => void): void {
    t.addEventListener(type, fn);
    this.listeners.push([t, type, fn]);
  }

  private clearText(): void {
    const t = this.target as HTMLElement & { value?: string };
    if (typeof t.value === "string" && t.value !== "") t.value = "";
  }

  private onKey(e: KeyboardEvent, down: boolean): void {
    // An IME is composing: its text comes with compositionend.
    if (e.isComposing || e.keyCode === 229) return;
    const sc = scancodeForEvent(e);
    if (sc === undefined) {
      // No physical key (some virtual keyboards): type the character on a US layout.
      if (down && e.key.length === 1 && this.enabled()) {
        e.preventDefault();
        this.typeText(e.key);
      }
      return;
    }
    e.preventDefault();
    if (!this.enabled()) return;
    // A release without a press here (pressed before the focus came) is still sent: harmless.
    if (down) this.down.set(e.code || e.key, sc);
    else this.down.delete(e.code || e.key);
    this.send(sc, down);
  }

  private onBeforeInput(e: InputEvent): void {
    if (e.isComposing || e.inputType === "insertCompositionText") return; // not cancelable; compositionend follows
    if (!this.enabled()) {
      e.preventDefault();
      return;
    }
    switch (e.inputType) {
      case "insertText":
      case "insertReplacementText":
        e.preventDefault();
        if (e.data) this.typeComposed(e.data);
        return;
      case "insertLineBreak":
      case "insertParagraph":
        e.preventDefault();
        this.typeComposed("\n");
        return;
      case "deleteContentBackward":
        // On-screen keyboards send this without a key event.
        e.preventDefault();
        this.send(BACKSPACE, true);
        this.send(BACKSPACE, false);
        return;
      default:
        e.preventDefault();
    }
  }

  private onCompositionEnd(e: CompositionEvent): void {
    const text = e.data;
    this.clearText();
    if (text && this.enabled()) this.typeComposed(text);
  }

  private typeComposed(text: string): void {
    const skipped = this.typeText(text);
    this.onText?.(text, skipped);
  }

  /** Press or release one scancode. */
  send(scancode: number, down: boolean): void {
    const ch = this.inputs();
    if (!ch || ch.closed) return;
    const bytes = down ? keyDownBytes(scancode) : keyUpBytes(scancode);
    if (bytes.length > 0) ch.sendScancodeBytes(bytes, down);
  }

  /**
   * Types text as key strokes (US layout). Characters no US key types are skipped; returns them.
   * Shift held by the user is let go around unshifted characters and taken again after.
   */
  typeText(text: string): string {
    let skipped = "";
    const userShift = [...this.down.values()].filter((sc) => sc === SHIFT || sc === 0x36);
    for (const sc of userShift) this.send(sc, false);
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === "\r" && chars[i + 1] === "\n") continue;
      const stroke = keyStrokeForChar(ch);
      const sc = stroke && scancodeForCode(stroke.code);
      if (!stroke || sc === undefined) {
        skipped += ch;
        continue;
      }
      if (stroke.shift) this.send(SHIFT, true);
      this.send(sc, true);
      this.send(sc, false);
      if (stroke.shift) this.send(SHIFT, false);
    }
    for (const sc of userShift) this.send(sc, true);
    return skipped;
  }

  releaseAll(): void {
    const keys = [...this.down.values()];
    this.down.clear();
    for (const sc of keys.reverse()) this.send(sc, false);
  }

  destroy(): void {
    this.releaseAll();
    for (const [t, type, fn] of this.listeners) t.removeEventListener(type, fn);
    this.listeners.length = 0;
  }
}
