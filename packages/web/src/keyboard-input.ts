import { keyDownBytes, keyUpBytes, scancodeForCode, keyStrokeForChar } from "@saffron/client";
import type { InputSink } from "./remote-inputs.js";

const SHIFT = 0x2a;

/**
 * Keyboard by physical key: KeyboardEvent.code → PC set-1 scancode, so the guest's own layout
 * applies (as with a real keyboard). Handled keys are kept from the browser (preventDefault).
 * Every key still down is released when the canvas loses focus or the page is hidden, so no
 * key stays stuck on the guest.
 */
export class KeyboardInput {
  private readonly down = new Map<string, number>();
  private readonly listeners: [EventTarget, string, (e: Event) => void][] = [];

  constructor(
    private readonly target: HTMLElement,
    private readonly inputs: () => InputSink | undefined,
    private readonly enabled: () => boolean,
  ) {
    this.listen(target, "keydown", (e) => this.onKey(e as KeyboardEvent, true));
    this.listen(target, "keyup", (e) => this.onKey(e as KeyboardEvent, false));
    this.listen(target, "blur", () => this.releaseAll());
    const doc = target.ownerDocument;
    this.listen(doc, "visibilitychange", () => doc.visibilityState === "hidden" && this.releaseAll());
  }

  private listen(t: EventTarget, type: string, fn: (e: Event) => void): void {
    t.addEventListener(type, fn);
    this.listeners.push([t, type, fn]);
  }

  private onKey(e: KeyboardEvent, down: boolean): void {
    if (e.isComposing) return;
    const sc = scancodeForCode(e.code);
    if (sc === undefined) {
      // No physical key (virtual keyboards, some IMEs): type the character on a US layout.
      if (down && e.key.length === 1 && this.enabled()) {
        e.preventDefault();
        this.typeText(e.key);
      }
      return;
    }
    e.preventDefault();
    if (!this.enabled()) return;
    // A release without a press here (pressed before the focus came) is still sent: harmless.
    if (down) this.down.set(e.code, sc);
    else this.down.delete(e.code);
    this.send(sc, down);
  }

  /** Press or release one scancode. */
  send(scancode: number, down: boolean): void {
    const ch = this.inputs();
    if (!ch || ch.closed) return;
    const bytes = down ? keyDownBytes(scancode) : keyUpBytes(scancode);
    if (bytes.length > 0) ch.sendScancodeBytes(bytes, down);
  }

  /** Types text as key strokes (US layout); characters no US key types are skipped. */
  typeText(text: string): void {
    for (const ch of Array.from(text)) {
      const stroke = keyStrokeForChar(ch);
      const sc = stroke && scancodeForCode(stroke.code);
      if (!stroke || sc === undefined) continue;
      if (stroke.shift) this.send(SHIFT, true);
      this.send(sc, true);
      this.send(sc, false);
      if (stroke.shift) this.send(SHIFT, false);
    }
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
