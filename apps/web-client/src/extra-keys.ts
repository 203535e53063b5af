/** What the extra-keys menu needs of a console (SpiceConsole.sendKey). */
export interface KeySender {
  sendKey(code: string, down?: boolean): void;
}

export interface KeyItem {
  /** Element id suffix and test hook. */
  id: string;
  label: string;
  /** KeyboardEvent.code names pressed in order, released in reverse. */
  codes: readonly string[];
}

/** Latching modifiers: a click presses, the next click releases. */
export const MODIFIER_KEYS: readonly KeyItem[] = [
  { id: "ctrl", label: "Ctrl", codes: ["ControlLeft"] },
  { id: "alt", label: "Alt", codes: ["AltLeft"] },
  { id: "win", label: "Win / Super", codes: ["MetaLeft"] },
];

const fn = (n: number) => `F${n}`;

/** One-shot keys and chords of the menu. */
export const EXTRA_KEYS: readonly KeyItem[] = [
  { id: "esc", label: "Esc", codes: ["Escape"] },
  { id: "tab", label: "Tab", codes: ["Tab"] },
  { id: "printscreen", label: "PrintScreen", codes: ["PrintScreen"] },
  ...Array.from({ length: 12 }, (_, i) => ({ id: `f${i + 1}`, label: fn(i + 1), codes: [fn(i + 1)] })),
  ...Array.from({ length: 7 }, (_, i) => ({ id: `cad-f${i + 1}`, label: `Ctrl-Alt-${fn(i + 1)}`, codes: ["ControlLeft", "AltLeft", fn(i + 1)] })),
];

/** Presses `codes` in order and releases them in reverse (a chord such as Ctrl-Alt-F2). */
export function sendChord(to: KeySender, codes: readonly string[]): void {
  for (const c of codes) to.sendKey(c, true);
  for (const c of [...codes].reverse()) to.sendKey(c, false);
}

/** The latched modifiers: which are held down on the guest right now. */
export class ModifierLatch {
  private readonly held = new Set<string>();

  isHeld(id: string): boolean {
    return this.held.has(id);
  }

  /** Presses or releases modifier `item` on `to`; returns whether it is now held. */
  toggle(to: KeySender, item: KeyItem): boolean {
    const down = !this.held.has(item.id);
    if (down) {
      for (const c of item.codes) to.sendKey(c, true);
      this.held.add(item.id);
    } else {
      for (const c of [...item.codes].reverse()) to.sendKey(c, false);
      this.held.delete(item.id);
    }
    return down;
  }

  /** Releases every held modifier on `to` (when given) and forgets them. */
  releaseAll(to?: KeySender): void {
    for (const item of [...MODIFIER_KEYS].reverse()) {
      if (!this.held.has(item.id)) continue;
      if (to) for (const c of [...item.codes].reverse()) to.sendKey(c, false);
    }
    this.held.clear();
  }
}
