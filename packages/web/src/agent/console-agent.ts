import type { AgentFromSession, AgentToSession } from "./agent-messages.js";
import type { AgentStateDetail, ClipboardDetail, FileTransferDetail } from "./agent-events.js";

/** What the page side needs from the console. */
export interface ConsoleAgentHost {
  /** The element whose size the remote desktop follows (the console's container). */
  container: HTMLElement;
  /** Where files are dropped (the console's screen element). */
  dropTarget: HTMLElement;
  /** The element that has the keyboard focus while the console has it (paste events land there). */
  keyTarget: HTMLElement;
  /** Posts to the session side; undefined when there is no session. */
  post(msg: DistributiveOmit<AgentToSession, "gen">): boolean;
  /** Current desktop size. */
  desktop(): { width: number; height: number };
  /** The session is up (every channel linked). */
  connected(): boolean;
  /** Input allowed (connected and not view-only). */
  interactive(): boolean;
  emit(type: "clipboard", detail: ClipboardDetail): void;
  emit(type: "filetransfer", detail: FileTransferDetail): void;
  emit(type: "agent", detail: AgentStateDetail): void;
}

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

export interface ConsoleAgentOptions {
  /** Follow the container's size with the guest's resolution (MONITORS_CONFIG). */
  resizeRemote: boolean;
  /** Share the clipboard with the guest automatically (navigator.clipboard, when the browser allows). */
  clipboard: boolean;
  /** Debounce for resize requests, ms. */
  resizeDelayMs?: number;
}

const MIN_SIZE = 64;
const MAX_SIZE = 8192;

/** Device-pixel size for a CSS size: × devicePixelRatio, down to an even number, clamped. */
export function remoteSizeFor(cssWidth: number, cssHeight: number, dpr: number): { width: number; height: number } {
  const even = (v: number) => Math.min(MAX_SIZE, Math.max(MIN_SIZE, Math.floor((v * (dpr > 0 ? dpr : 1)) / 2) * 2));
  return { width: even(cssWidth), height: even(cssHeight) };
}

/**
 * The page side of the agent features of a SpiceConsole: resize-to-container (debounced
 * MONITORS_CONFIG in device pixels), clipboard sharing with navigator.clipboard (read when
 * the page gains focus or on paste; written when the guest copies), and file upload by
 * drag and drop, with 'filetransfer' progress events.
 */
export class ConsoleAgent {
  state: AgentStateDetail = { connected: false, monitors: false, clipboard: false, fileTransfer: false };
  private resizeTimer?: ReturnType<typeof setTimeout>;
  private readonly observer?: ResizeObserver;
  private lastRequested = "";
  /** Last clipboard text either side had (no echo back and forth). */
  private lastText?: string;
  private lastImageKey?: string;
  private nextFileId = 1;
  private readonly files = new Map<number, { name: string; size: number }>();
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly host: ConsoleAgentHost,
    private readonly options: ConsoleAgentOptions,
  ) {
    if (typeof ResizeObserver !== "undefined") {
      this.observer = new ResizeObserver(() => this.scheduleResize());
      this.observer.observe(host.container);
    }
    const win = host.container.ownerDocument.defaultView;
    const listen = <K extends string>(target: EventTarget | null | undefined, type: K, fn: (e: Event) => void) => {
      if (!target) return;
      target.addEventListener(type, fn);
      this.cleanups.push(() => target.removeEventListener(type, fn));
    };
    listen(win, "focus", () => void this.syncFromBrowser());
    listen(host.keyTarget, "focus", () => void this.syncFromBrowser());
    listen(host.keyTarget, "paste", (e) => this.onPaste(e as ClipboardEvent));
    listen(host.dropTarget, "dragover", (e) => this.onDragOver(e as DragEvent));
    listen(host.dropTarget, "drop", (e) => this.onDrop(e as DragEvent));
  }

  get resizeRemote(): boolean {
    return this.options.resizeRemote;
  }

  set resizeRemote(v: boolean) {
    this.options.resizeRemote = v;
    this.lastRequested = "";
    if (v) this.scheduleResize(0);
  }

  onSessionMessage(m: AgentFromSession): void {
    switch (m.t) {
      case "agent-state": {
        const { t: _t, gen: _g, ...state } = m;
        this.state = state;
        this.host.emit("agent", state);
        if (state.connected) {
          this.lastRequested = "";
          this.scheduleResize(0);
          if (this.options.clipboard && hasFocus(this.host.container)) void this.syncFromBrowser();
        }
        return;
      }
      case "agent-clipboard":
        void this.onGuestClipboard(m.text, m.png);
        return;
      case "agent-file-progress": {
        const f = this.files.get(m.id);
        if (!f) return;
        const detail: FileTransferDetail = { id: m.id, name: f.name, size: m.size, sent: m.state === "error" ? 0 : m.sent, state: m.state };
        if (m.error) detail.error = Object.assign(new Error(m.error.message), { name: m.error.name, code: m.error.code, status: m.error.status });
        if (m.state === "done" || m.state === "error") this.files.delete(m.id);
        this.host.emit("filetransfer", detail);
        return;
      }
    }
  }

  /** The session ended: transfers in flight fail, the agent is gone. */
  sessionEnded(): void {
    clearTimeout(this.resizeTimer);
    for (const [id, f] of this.files) {
      this.host.emit("filetransfer", { id, name: f.name, size: f.size, sent: 0, state: "error", error: new Error("the session ended") });
    }
    this.files.clear();
    if (this.state.connected) {
      this.state = { connected: false, monitors: false, clipboard: false, fileTransfer: false };
      this.host.emit("agent", this.state);
    }
  }

  /** Gives the guest this text as its clipboard (as noVNC's clipboardPasteFrom); false without a clipboard agent. */
  clipboardPasteFrom(text: string): boolean {
    if (!this.state.clipboard) return false;
    this.lastText = text;
    return this.host.post({ t: "agent-clipboard-offer", text });
  }

  /** Uploads a file to the guest; returns its transfer id ('filetransfer' events carry it). */
  sendFile(file: Blob, name = (file as File).name ?? "file"): number {
    const id = this.nextFileId++;
    this.files.set(id, { name, size: file.size });
    if (!this.host.post({ t: "agent-file-send", id, name, file })) {
      this.files.delete(id);
      queueMicrotask(() => this.host.emit("filetransfer", { id, name, size: file.size, sent: 0, state: "error", error: new Error("not connected") }));
    } else {
      this.host.emit("filetransfer", { id, name, size: file.size, sent: 0, state: "waiting" });
    }
    return id;
  }

  cancelFile(id: number): void {
    this.host.post({ t: "agent-file-cancel", id });
  }

  destroy(): void {
    clearTimeout(this.resizeTimer);
    this.observer?.disconnect();
    for (const c of this.cleanups.splice(0)) c();
  }

  // ---- resize ----

  private scheduleResize(delay = this.options.resizeDelayMs ?? 200): void {
    if (!this.options.resizeRemote) return;
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => this.sendResize(), delay);
  }

  private sendResize(): void {
    if (!this.options.resizeRemote || !this.state.monitors) return;
    // The agent can come before the session is fully up: try again once it is.
    if (!this.host.connected()) return this.scheduleResize(250);
    if (!this.host.interactive()) return;
    const c = this.host.container;
    if (c.clientWidth <= 0 || c.clientHeight <= 0) return;
    const dpr = c.ownerDocument.defaultView?.devicePixelRatio ?? 1;
    const { width, height } = remoteSizeFor(c.clientWidth, c.clientHeight, dpr);
    const key = `${width}x${height}`;
    const d = this.host.desktop();
    if (d.width === width && d.height === height) {
      this.lastRequested = key;
      return;
    }
    if (key === this.lastRequested) return;
    this.lastRequested = key;
    this.host.post({ t: "agent-monitors", width, height });
  }

  // ---- clipboard ----

  private async onGuestClipboard(text: string | undefined, png: ArrayBuffer | undefined): Promise<void> {
    const clip = navigator.clipboard as Clipboard | undefined;
    if (text !== undefined) {
      this.lastText = text;
      this.host.emit("clipboard", { text });
      if (this.options.clipboard) await clip?.writeText(text).catch(() => {});
    } else if (png) {
      const image = new Blob([png], { type: "image/png" });
      this.lastImageKey = imageKey(new Uint8Array(png));
      this.host.emit("clipboard", { image });
      if (this.options.clipboard && typeof ClipboardItem !== "undefined") await clip?.write([new ClipboardItem({ "image/png": image })]).catch(() => {});
    }
  }

  /** Reads the browser's clipboard (when allowed) and gives the guest what changed. */
  private async syncFromBrowser(): Promise<void> {
    if (!this.options.clipboard || !this.state.clipboard || !this.host.interactive()) return;
    const clip = navigator.clipboard as Clipboard | undefined;
    if (!clip) return;
    let text: string | undefined;
    let png: Blob | undefined;
    try {
      if (typeof clip.read === "function") {
        for (const item of await clip.read()) {
          if (text === undefined && item.types.includes("text/plain")) text = await (await item.getType("text/plain")).text();
          if (!png && item.types.includes("image/png")) png = await item.getType("image/png");
        }
      } else {
        text = await clip.readText();
      }
    } catch {
      try {
        text = await clip.readText();
      } catch {
        return; // not allowed (no permission, page not focused)
      }
    }
    await this.offer(text, png);
  }

  private onPaste(e: ClipboardEvent): void {
    if (!this.options.clipboard || !this.host.interactive()) return;
    const data = e.clipboardData;
    if (!data) return;
    const text = data.types.includes("text/plain") ? data.getData("text/plain") : undefined;
    const file = [...data.files].find((f) => f.type === "image/png");
    void this.offer(text, file);
  }

  private async offer(text: string | undefined, png: Blob | undefined): Promise<void> {
    let imageChanged = false;
    if (png) {
      const key = imageKey(new Uint8Array(await png.arrayBuffer()));
      imageChanged = key !== this.lastImageKey;
      this.lastImageKey = key;
    }
    const textChanged = text !== undefined && text !== this.lastText;
    if (!textChanged && !imageChanged) return;
    if (text !== undefined) this.lastText = text;
    this.host.post({ t: "agent-clipboard-offer", ...(text !== undefined ? { text } : {}), ...(png ? { png } : {}) });
  }

  // ---- drag and drop ----

  private onDragOver(e: DragEvent): void {
    if (!this.state.fileTransfer || !this.host.interactive() || !e.dataTransfer?.types.includes("Files")) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  }

  private onDrop(e: DragEvent): void {
    if (!this.state.fileTransfer || !this.host.interactive() || !e.dataTransfer?.files.length) return;
    e.preventDefault();
    for (const f of e.dataTransfer.files) this.sendFile(f, f.name);
  }
}

function hasFocus(el: HTMLElement): boolean {
  return el.ownerDocument.hasFocus();
}

/** A cheap identity for an image's bytes (size + FNV-1a), to avoid sending the same one twice. */
function imageKey(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return `${b.length}:${(h >>> 0).toString(16)}`;
}
