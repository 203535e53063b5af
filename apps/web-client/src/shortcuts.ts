/** Page actions reachable from the keyboard while the desktop has the focus. */
export type ShortcutAction = "fullscreen" | "keys" | "clipboard" | "settings" | "ctrl-alt-del" | "disconnect" | "open-file";

/**
 * The page's shortcuts are Ctrl+Alt+Shift+letter (by physical key, so any layout), a chord
 * that remote desktops rarely need. The letter is kept from the guest; the modifiers it has
 * already seen go up again when the page takes the focus.
 */
export const SHORTCUTS: Readonly<Record<string, ShortcutAction>> = {
  KeyF: "fullscreen",
  KeyK: "keys",
  KeyC: "clipboard",
  KeyS: "settings",
  KeyD: "ctrl-alt-del",
  KeyQ: "disconnect",
  KeyO: "open-file",
};

/** The aria-keyshortcuts / title text of an action. */
export function shortcutLabel(action: ShortcutAction): string {
  const code = Object.keys(SHORTCUTS).find((c) => SHORTCUTS[c] === action)!;
  return `Control+Alt+Shift+${code.slice(3)}`;
}

export function shortcutFor(e: Pick<KeyboardEvent, "code" | "ctrlKey" | "altKey" | "shiftKey" | "metaKey">): ShortcutAction | undefined {
  if (!e.ctrlKey || !e.altKey || !e.shiftKey || e.metaKey) return undefined;
  return SHORTCUTS[e.code];
}
