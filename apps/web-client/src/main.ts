// The Saffron web client page: a connect form (WebSocket URL, spice:// URI, host:port, or a
// virt-viewer .vv file), a control bar, extra keys, a clipboard panel, settings kept in
// localStorage, and a status line, around one SpiceConsole. Uses only @saffron/web's public API.
//
// Query parameters:
//   ?url=ws://host:port/           connect to this address (also spice://host:port, host:port)
//   ?target=NAME[&token=T]         connect to ${origin as ws}/spice/NAME[?token=T] (a Saffron gateway)
//   &password=P                    the SPICE password
//   &autoconnect=1                 connect at once
//   &scaling=none|fit, &viewonly=1, &reconnect=1,
//   &compression=lz4               override a setting for this page load (not saved);
//                                  compression: off, auto_glz, auto_lz, quic, glz, lz, lz4
import { SpiceConsole, type PreloadedSessionWorker } from "@saffron/web";
import { addressToTarget, parseConnectInput, TargetError, urlFromQuery, type ConnectTarget } from "./connect-target.js";
import { EXTRA_KEYS, MODIFIER_KEYS, ModifierLatch, sendChord, type KeyItem } from "./extra-keys.js";
import { describeFailure } from "./failure-text.js";
import { checkGateway, gatewayCheckUrl, type GatewayVerdict } from "./gateway-check.js";
import { loadSettings, saveSettings, settingsFromQuery, type PageSettings } from "./settings.js";
import { attachAgentUi } from "./agent-ui.js";
import { SHORTCUTS, shortcutFor, shortcutLabel, type ShortcutAction } from "./shortcuts.js";
import { parseVvFile } from "./vv-file.js";
import { StatsOverlay } from "./stats-overlay.js";
import { pageSessionOptions, pageStorage } from "./session-options.js";

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const form = $<HTMLFormElement>("connect");
const urlInput = $<HTMLInputElement>("url");
const passwordInput = $<HTMLInputElement>("password");
const vvInput = $<HTMLInputElement>("vv-file");
const controls = $<HTMLDivElement>("controls");
const reconnectButton = $<HTMLButtonElement>("reconnect");
const statusLine = $<HTMLSpanElement>("status");
const screen = $<HTMLElement>("screen");
const keysButton = $<HTMLButtonElement>("keys-button");
const keysMenu = $<HTMLDivElement>("keys-menu");
const clipboardButton = $<HTMLButtonElement>("clipboard-button");
const clipboardPanel = $<HTMLElement>("clipboard-panel");
const clipboardText = $<HTMLTextAreaElement>("clipboard-text");
const clipboardRemote = $<HTMLTextAreaElement>("clipboard-remote");
const clipboardMode = $<HTMLSpanElement>("clipboard-mode");
const settingsButton = $<HTMLButtonElement>("settings-button");
const settingsPanel = $<HTMLElement>("settings-panel");
const fullscreenButton = $<HTMLButtonElement>("fullscreen");
const muteButton = $<HTMLButtonElement>("mute");
const scalingSelect = $<HTMLSelectElement>("scaling");
const compressionSelect = $<HTMLSelectElement>("compression");
const viewOnlyBox = $<HTMLInputElement>("view-only");
const statsOverlay = new StatsOverlay(document, document.getElementById("stats-button") as HTMLButtonElement | undefined ?? undefined);
if (new URLSearchParams(location.search).get("stats") === "1") statsOverlay.toggle(true);
const reconnectBox = $<HTMLInputElement>("reconnect-setting");

// ---- status line ----

type StatusKind = "info" | "ok" | "error";

function setStatus(text: string, kind: StatusKind = "info", error?: string): void {
  statusLine.textContent = text;
  statusLine.className = kind === "info" ? "" : kind;
  document.body.dataset.status = kind;
  if (error) document.body.dataset.error = error;
  else delete document.body.dataset.error;
}

function setState(state: string): void {
  document.body.dataset.state = state;
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${n} B`;
}

// ---- settings ----

const storage = pageStorage();
const params = new URLSearchParams(location.search);
let settings: PageSettings = settingsFromQuery(loadSettings(storage), params);

function showSettings(s: PageSettings): void {
  scalingSelect.value = s.scaling;
  compressionSelect.value = s.compression;
  viewOnlyBox.checked = s.viewOnly;
  reconnectBox.checked = s.reconnect;
  screen.className = `scale-${s.scaling}`;
}

function onSettingsChanged(): void {
  settings = {
    scaling: scalingSelect.value === "none" ? "none" : "fit",
    compression: compressionSelect.value as PageSettings["compression"],
    viewOnly: viewOnlyBox.checked,
    reconnect: reconnectBox.checked,
  };
  saveSettings(storage, settings);
  screen.className = `scale-${settings.scaling}`;
  if (current) {
    current.scaling = settings.scaling;
    current.viewOnly = settings.viewOnly;
    if (settings.viewOnly) latch.releaseAll(current);
    syncModifierButtons();
  }
}

for (const el of [scalingSelect, compressionSelect, viewOnlyBox, reconnectBox]) el.addEventListener("change", onSettingsChanged);

// ---- the console ----

let current: SpiceConsole | undefined;

/** The session worker index.html started while the page loaded, for the first console (once). */
function preloadedWorker(): PreloadedSessionWorker | undefined {
  const w = window as unknown as { saffronSessionWorker?: PreloadedSessionWorker };
  const worker = w.saffronSessionWorker;
  w.saffronSessionWorker = undefined;
  return worker;
}
let lastTarget: ConnectTarget | undefined;
let lastPassword = "";
const latch = new ModifierLatch();

function showConnected(connected: boolean): void {
  form.hidden = connected;
  controls.hidden = !connected;
  reconnectButton.hidden = connected || !lastTarget;
  if (!connected) closeKeysMenu(false);
}

/** The console when it can take input (connected, not view-only), else undefined with a status hint. */
function inputConsole(): SpiceConsole | undefined {
  if (!current || current.state !== "connected") return undefined;
  if (current.viewOnly) {
    setStatus("View only: input is off (Settings)", "info");
    return undefined;
  }
  return current;
}

function stopCurrent(): void {
  const c = current;
  current = undefined;
  latch.releaseAll(c?.state === "connected" ? c : undefined);
  syncModifierButtons();
  c?.disconnect();
}

function connect(target: ConnectTarget, password: string): void {
  stopCurrent();
  screen.replaceChildren();
  lastTarget = target;
  lastPassword = password;
  const where = target.label;
  let c: SpiceConsole;
  try {
    performance.mark("saffron:connect"); // where benchmarks start counting (the first mark: boot.ts makes it when the session starts from <head>)
    c = new SpiceConsole(screen, target.url, {
      ...pageSessionOptions(settings, params, password),
      scaling: settings.scaling,
      viewOnly: settings.viewOnly,
      reconnect: settings.reconnect,
      muted: audioMuted,
      // ?resize=remote: the guest desktop follows the window (needs spice-vdagent in the guest).
      resizeRemote: new URLSearchParams(location.search).get("resize") === "remote",
      // ?worker=0 runs the session on the page (for profiling and old browsers).
      worker: new URLSearchParams(location.search).get("worker") === "0" ? false : preloadedWorker(),
    });
  } catch (e) {
    setStatus(`Cannot connect: ${e instanceof Error ? e.message : String(e)}`, "error", "other");
    return;
  }
  current = c;
  c.canvas.setAttribute("aria-label", `Remote desktop ${where}`);
  setState("connecting");
  setStatus(`Connecting to ${where} …`);
  /** Set once the page gave up on this console (token refused): its own events no longer count. */
  let final = false;
  let failures = 0;
  const mine = () => current === c && !final;

  c.addEventListener("connect", () => {
    if (!mine()) return;
    setState("connected");
    showConnected(true);
    setStatus(`Connected to ${where}${c.width ? ` (${c.width}×${c.height})` : ""}`, "ok");
    c.focus();
  });
  c.addEventListener("resize", (e) => {
    if (mine() && c.state === "connected") setStatus(`Connected to ${where} (${e.detail.width}×${e.detail.height})`, "ok");
  });
  c.addEventListener("stats", (e) => {
    const s = e.detail;
    if (mine()) statsOverlay.update(s);
    statusLine.title = `${s.fps} fps · ${formatBytes(s.bytes)}/s · decode ${s.decodeMs} ms/s · ${formatBytes(s.totalBytes)} received`;
  });
  c.addEventListener("credentialsrequired", (e) => {
    if (!mine()) return;
    setState("credentials");
    showConnected(false);
    if (e.detail.reason === "rejected") setStatus("Wrong password: the server refused it. Enter the password and connect again.", "error", "wrong-password");
    else setStatus("This server needs a password: enter it and press Connect.", "error", "password-required");
    urlInput.value = c.url;
    passwordInput.value = "";
    passwordInput.focus();
  });
  // The remote clipboard, when the console reports it (a 'clipboard' event with text).
  c.addEventListener("clipboard", (e) => {
    if (mine() && typeof e.detail.text === "string") clipboardRemote.value = e.detail.text;
  });
  c.addEventListener("disconnect", (e) => {
    if (!mine()) return;
    const d = e.detail;
    latch.releaseAll();
    syncModifierButtons();
    if (d.clean) {
      setState("disconnected");
      showConnected(false);
      setStatus("Disconnected");
      return;
    }
    const attempt = ++failures;
    const retrying = d.reconnectInMs !== undefined;
    const report = (verdict: GatewayVerdict) => {
      const f = describeFailure(d.error, where, verdict);
      if (retrying && f.kind !== "token-refused" && f.kind !== "unknown-target") {
        setState("reconnecting");
        setStatus(`Connection lost: ${f.text}; retrying in ${Math.max(1, Math.round(d.reconnectInMs! / 1000))} s`, "error", f.kind);
        return;
      }
      if (retrying) {
        // Retrying cannot help: stop the console (its clean 'disconnect' is not ours to show).
        final = true;
        c.disconnect();
      }
      setState("disconnected");
      showConnected(false);
      setStatus(`Disconnected: ${f.text}`, "error", f.kind);
    };
    if (!gatewayCheckUrl(c.url)) return report({ kind: "unknown" });
    // A gateway hides why it refused the upgrade from the browser: ask it.
    setState(retrying ? "reconnecting" : "checking");
    setStatus(`Connection failed; asking the gateway why …`, "error", "checking");
    void checkGateway(c.url).then((verdict) => {
      if (mine() && attempt === failures) report(verdict);
    });
  });
  // For scripts and tests: the console of this page.
  (window as unknown as { saffronConsole?: SpiceConsole }).saffronConsole = c;
  attachAgentUi(c);
}

function connectFromForm(): void {
  let target: ConnectTarget;
  try {
    target = parseConnectInput(urlInput.value, { securePage: location.protocol === "https:" });
  } catch (e) {
    setStatus(e instanceof TargetError ? `Cannot connect: ${e.message}` : String(e), "error", "bad-address");
    urlInput.focus();
    return;
  }
  const password = passwordInput.value || target.password || "";
  // After a refused password the console waits for one: retry the same session.
  if (current && current.state === "credentials" && current.url === target.url) {
    lastPassword = password;
    setState("connecting");
    setStatus("Connecting …");
    current.sendCredentials(password);
    return;
  }
  connect(target, password);
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  connectFromForm();
});
reconnectButton.addEventListener("click", () => lastTarget && connect(lastTarget, lastPassword));
$("disconnect").addEventListener("click", () => disconnect());

function disconnect(): void {
  if (!current) return;
  latch.releaseAll(current.state === "connected" ? current : undefined);
  syncModifierButtons();
  current.disconnect();
}

function sendCtrlAltDel(): void {
  const c = inputConsole();
  if (!c) return;
  c.sendCtrlAltDel();
  c.focus();
}
$("cad").addEventListener("click", sendCtrlAltDel);

// ---- .vv files (file picker and drag and drop) ----

async function openVvFile(file: File): Promise<void> {
  let target: ConnectTarget;
  try {
    if (file.size > 64 * 1024) throw new TargetError("it is too large for a .vv file");
    const address = parseVvFile(await file.text());
    target = addressToTarget(address, { securePage: location.protocol === "https:" });
  } catch (e) {
    setStatus(`Cannot open ${file.name}: ${e instanceof Error ? e.message : String(e)}`, "error", "bad-file");
    return;
  }
  urlInput.value = target.url;
  passwordInput.value = target.password ?? "";
  connect(target, target.password ?? "");
}

$("open-vv").addEventListener("click", () => vvInput.click());
vvInput.addEventListener("change", () => {
  const file = vvInput.files?.[0];
  vvInput.value = "";
  if (file) void openVvFile(file);
});

const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files");
let dragDepth = 0;
document.addEventListener("dragenter", (e) => {
  if (!hasFiles(e)) return;
  dragDepth++;
  document.body.classList.add("dragging");
});
document.addEventListener("dragleave", (e) => {
  if (!hasFiles(e)) return;
  if (--dragDepth <= 0) {
    dragDepth = 0;
    document.body.classList.remove("dragging");
  }
});
document.addEventListener("dragover", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  e.dataTransfer!.dropEffect = "copy";
});
document.addEventListener("drop", (e) => {
  if (!hasFiles(e)) return;
  // A drop on the desktop was taken by the console: an upload to the guest (agent-ui.ts).
  const uploaded = e.defaultPrevented;
  e.preventDefault();
  dragDepth = 0;
  document.body.classList.remove("dragging");
  if (uploaded) return;
  const file = e.dataTransfer!.files[0];
  if (file) void openVvFile(file);
});

// ---- extra keys ----

const modifierButtons = new Map<string, HTMLButtonElement>();

function syncModifierButtons(): void {
  for (const [id, b] of modifierButtons) b.setAttribute("aria-pressed", String(latch.isHeld(id)));
}

function keyButton(item: KeyItem, onClick: () => void): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.id = `key-${item.id}`;
  b.textContent = item.label;
  b.addEventListener("click", onClick);
  return b;
}

function group(label: string): HTMLElement {
  const g = document.createElement("span");
  g.className = "group";
  g.textContent = label;
  return g;
}

keysMenu.append(group("Hold (click again to release)"));
for (const item of MODIFIER_KEYS) {
  const b = keyButton(item, () => {
    const c = inputConsole();
    if (!c) return;
    latch.toggle(c, item);
    syncModifierButtons();
  });
  b.setAttribute("aria-pressed", "false");
  b.title = `Hold ${item.label} down on the remote desktop until clicked again`;
  modifierButtons.set(item.id, b);
  keysMenu.append(b);
}
keysMenu.append(group("Keys"));
for (const item of EXTRA_KEYS) {
  if (item.id === "cad-f1") keysMenu.append(group("Switch console"));
  keysMenu.append(
    keyButton(item, () => {
      const c = inputConsole();
      if (!c) return;
      sendChord(c, item.codes);
    }),
  );
}

function openKeysMenu(): void {
  keysMenu.hidden = false;
  keysButton.setAttribute("aria-expanded", "true");
  keysMenu.querySelector("button")?.focus();
}

function closeKeysMenu(refocus = true): void {
  if (keysMenu.hidden) return;
  keysMenu.hidden = true;
  keysButton.setAttribute("aria-expanded", "false");
  if (refocus) current?.focus();
}

keysButton.addEventListener("click", () => (keysMenu.hidden ? openKeysMenu() : closeKeysMenu()));
keysMenu.addEventListener("keydown", (e) => {
  if (e.key === "Escape") {
    e.preventDefault();
    closeKeysMenu();
    keysButton.focus();
  }
});
document.addEventListener("pointerdown", (e) => {
  if (!keysMenu.hidden && !keysMenu.parentElement!.contains(e.target as Node)) closeKeysMenu(false);
});

// ---- panels ----

function togglePanel(panel: HTMLElement, button: HTMLButtonElement, focus?: HTMLElement): void {
  const open = panel.hidden;
  panel.hidden = !open;
  button.setAttribute("aria-expanded", String(open));
  if (open) (focus ?? panel.querySelector<HTMLElement>("select, input, textarea, button"))?.focus();
  else current?.focus();
}

settingsButton.addEventListener("click", () => togglePanel(settingsPanel, settingsButton));
clipboardButton.addEventListener("click", () => toggleClipboard());

/** Whether the guest agent shares the clipboard now (else the panel types the text). */
function remoteClipboard(c: SpiceConsole | undefined): boolean {
  const agent = c as { agentState?: { clipboard?: boolean }; clipboardPasteFrom?: unknown } | undefined;
  return typeof agent?.clipboardPasteFrom === "function" && agent.agentState?.clipboard === true;
}

function toggleClipboard(): void {
  clipboardMode.textContent = remoteClipboard(current)
    ? "Puts the text on the remote clipboard: paste it there."
    : "The remote has no clipboard agent: Send types the text as US-layout key strokes.";
  togglePanel(clipboardPanel, clipboardButton, clipboardText);
}

$("clipboard-send").addEventListener("click", () => {
  const c = inputConsole();
  const text = clipboardText.value;
  if (!c) {
    if (!current || current.state !== "connected") setStatus("Not connected: nothing to send the text to", "error", "not-connected");
    return;
  }
  if (remoteClipboard(c)) {
    c.clipboardPasteFrom(text);
    setStatus("Sent the text to the remote clipboard", "ok");
  } else typeOnRemote(c, text);
});
$("clipboard-type").addEventListener("click", () => {
  const c = inputConsole();
  if (c) typeOnRemote(c, clipboardText.value);
});

function typeOnRemote(c: SpiceConsole, text: string): void {
  c.typeText(text);
  setStatus(`Typed ${Array.from(text).length} characters on the remote desktop`, "ok");
}
$("clipboard-copy").addEventListener("click", () => {
  const text = clipboardRemote.value;
  navigator.clipboard?.writeText(text).then(
    () => setStatus("Copied the remote text to this computer's clipboard", "ok"),
    () => {
      clipboardRemote.select();
      setStatus("The browser refused clipboard access: the text is selected, press Ctrl+C", "error", "clipboard");
    },
  );
});

// ---- full screen ----

function toggleFullscreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen();
  else
    void document.documentElement.requestFullscreen().then(
      () => current?.focus(),
      () => setStatus("Full screen is not allowed here", "error", "fullscreen"),
    );
}
fullscreenButton.addEventListener("click", toggleFullscreen);

/** Local mute of the remote sound; kept across reconnects. */
let audioMuted = false;
function syncMuteButton(): void {
  muteButton.textContent = audioMuted ? "Unmute" : "Mute";
  muteButton.setAttribute("aria-pressed", String(audioMuted));
}
muteButton.addEventListener("click", () => {
  audioMuted = !audioMuted;
  if (current) current.muted = audioMuted;
  syncMuteButton();
});
document.addEventListener("fullscreenchange", () => {
  const on = !!document.fullscreenElement;
  fullscreenButton.setAttribute("aria-pressed", String(on));
  fullscreenButton.textContent = on ? "Exit full screen" : "Full screen";
});

// ---- keyboard shortcuts (Ctrl+Alt+Shift+letter) ----

const ACTIONS: Record<ShortcutAction, () => void> = {
  fullscreen: toggleFullscreen,
  keys: () => current?.state === "connected" && (keysMenu.hidden ? openKeysMenu() : closeKeysMenu()),
  clipboard: toggleClipboard,
  settings: () => togglePanel(settingsPanel, settingsButton),
  "ctrl-alt-del": sendCtrlAltDel,
  disconnect,
  "open-file": () => vvInput.click(),
};
const BUTTON_OF: Partial<Record<ShortcutAction, HTMLElement>> = {
  fullscreen: fullscreenButton,
  keys: keysButton,
  clipboard: clipboardButton,
  settings: settingsButton,
  "ctrl-alt-del": $("cad"),
  disconnect: $("disconnect"),
  "open-file": $("open-vv"),
};
const shortcutList = $("shortcut-list");
for (const [code, action] of Object.entries(SHORTCUTS)) {
  const b = BUTTON_OF[action];
  if (b) {
    b.setAttribute("aria-keyshortcuts", shortcutLabel(action));
    b.title = `${b.title || (b.textContent ?? action).replace("▾", "").trim()} (Ctrl+Alt+Shift+${code.slice(3)})`;
  }
  const dt = document.createElement("dt");
  dt.textContent = code.slice(3);
  const dd = document.createElement("dd");
  dd.textContent = (b?.textContent ?? action).replace("▾", "").trim();
  shortcutList.append(dt, dd);
}

// The letter of a shortcut is kept from the desktop (capture phase, before the canvas sees it).
const swallowed = new Set<string>();
window.addEventListener(
  "keydown",
  (e) => {
    const action = shortcutFor(e);
    if (!action) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    swallowed.add(e.code);
    if (!e.repeat) ACTIONS[action]();
  },
  { capture: true },
);
window.addEventListener(
  "keyup",
  (e) => {
    if (!swallowed.delete(e.code)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
  },
  { capture: true },
);

// ---- start from the query parameters ----

showSettings(settings);
const initialUrl = urlFromQuery(params, location.origin);
urlInput.value = initialUrl;
passwordInput.value = params.get("password") ?? "";
if (params.get("autoconnect") === "1" && initialUrl) connectFromForm();
else setStatus(initialUrl ? "Ready: press Connect" : "Not connected");
