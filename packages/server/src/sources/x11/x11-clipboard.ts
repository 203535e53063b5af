import type { Logger } from "@saffron/protocol";
import type { XEvent } from "x11";
import { XConnectionClosedError, type XConnection } from "./x-connection.js";

/** Predefined atoms (X11 core protocol). */
const ATOM = { PRIMARY: 1, ATOM: 4, STRING: 31 } as const;
/** Core event codes. */
const EV = { SelectionClear: 29, SelectionRequest: 30, SelectionNotify: 31 } as const;
const INPUT_ONLY = 2;
const XFIXES_SET_SELECTION_OWNER_MASK = 1;
/** Largest text we read from another program's selection. */
const MAX_READ = 1024 * 1024;
/** How long a selection owner may take to answer ConvertSelection. */
const CONVERT_TIMEOUT_MS = 2000;

interface Atoms {
  CLIPBOARD: number;
  UTF8_STRING: number;
  TARGETS: number;
  TEXT: number;
  INCR: number;
  /** Where owners put the text we asked for (on our window). */
  property: number;
}

/**
 * The desktop's clipboard for the X11 source. Text from the client is served by owning
 * the CLIPBOARD and PRIMARY selections from a hidden window and answering SelectionRequest
 * (UTF8_STRING, STRING, TEXT, TARGETS). Text copied on the desktop is noticed through XFIXES
 * SelectSelectionInput on CLIPBOARD and read with ConvertSelection. Transfers are limited to
 * what fits in one property (no INCR): about 256 KiB out, 1 MiB in.
 */
export class X11Clipboard {
  private text: string | undefined;
  private readonly owned = new Set<number>();
  private reading = false;
  private readAgain = false;
  private pendingNotify?: (ev: XEvent) => void;
  private stopped = false;

  private constructor(
    private readonly conn: XConnection,
    private readonly fixesEventBase: number,
    private readonly window: number,
    private readonly atoms: Atoms,
    private readonly log: Logger,
    private readonly onText: (text: string) => void,
  ) {}

  /** Interns the atoms, creates the selection window and starts watching CLIPBOARD owners. */
  static async create(conn: XConnection, root: number, fixes: any, log: Logger, onText: (text: string) => void): Promise<X11Clipboard> {
    const intern = (name: string) => conn.call<number>((cb) => conn.client.InternAtom(false, name, cb));
    const [CLIPBOARD, UTF8_STRING, TARGETS, TEXT, INCR, property] = await Promise.all(
      ["CLIPBOARD", "UTF8_STRING", "TARGETS", "TEXT", "INCR", "SAFFRON_SELECTION"].map(intern),
    );
    const window = conn.client.AllocID();
    conn.client.CreateWindow(window, root, -10, -10, 1, 1, 0, 0, INPUT_ONLY, 0, {});
    fixes.SelectSelectionInput(window, CLIPBOARD, XFIXES_SET_SELECTION_OWNER_MASK);
    const atoms = { CLIPBOARD: CLIPBOARD!, UTF8_STRING: UTF8_STRING!, TARGETS: TARGETS!, TEXT: TEXT!, INCR: INCR!, property: property! };
    return new X11Clipboard(conn, fixes.firstEvent as number, window, atoms, log, onText);
  }

  /** Reads what CLIPBOARD holds now, if another program owns it. */
  async readCurrent(): Promise<void> {
    const owner = await this.conn.call<number>((cb) => this.conn.client.GetSelectionOwner(this.atoms.CLIPBOARD, cb));
    if (owner !== 0 && owner !== this.window) this.read();
  }

  /** Puts `text` on the desktop: we own CLIPBOARD and PRIMARY until another program takes them. */
  setText(text: string): void {
    if (this.stopped || this.conn.closed) return;
    this.text = text;
    for (const selection of [this.atoms.CLIPBOARD, ATOM.PRIMARY]) {
      this.conn.client.SetSelectionOwner(this.window, selection, 0);
      this.owned.add(selection);
    }
  }

  /** Takes the selection events; returns false for events that are not ours. */
  handleEvent(ev: XEvent): boolean {
    const type = ev.type & 0x7f;
    if (type === this.fixesEventBase && ev.name === "SelectionNotify") {
      // XFIXES: CLIPBOARD has a new owner. Our own SetSelectionOwner comes back here too.
      if (ev.window === this.window && ev.owner !== this.window && ev.owner !== 0) this.read();
      return ev.window === this.window;
    }
    switch (type) {
      case EV.SelectionRequest:
        if (ev.owner !== this.window) return false;
        this.answer(ev);
        return true;
      case EV.SelectionClear:
        if (ev.owner !== this.window) return false;
        this.owned.delete(ev.selection as number);
        return true;
      case EV.SelectionNotify:
        if (ev.requestor !== this.window) return false;
        this.pendingNotify?.(ev);
        return true;
      default:
        return false;
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pendingNotify = undefined;
    if (!this.conn.closed) this.conn.client.DestroyWindow(this.window);
  }

  // ---- serving our text ------------------------------------------------------------------

  private answer(ev: XEvent): void {
    const requestor = ev.requestor as number, selection = ev.selection as number, target = ev.target as number;
    // Obsolete requestors pass no property: use the target as the property name.
    const property = (ev.property as number) || target;
    const ok = this.text !== undefined && this.owned.has(selection) && this.put(requestor, property, target, this.text);
    const notify = Buffer.alloc(32);
    notify.writeUInt8(EV.SelectionNotify, 0);
    notify.writeUInt32LE((ev.time as number) >>> 0, 4);
    notify.writeUInt32LE(requestor >>> 0, 8);
    notify.writeUInt32LE(selection >>> 0, 12);
    notify.writeUInt32LE(target >>> 0, 16);
    notify.writeUInt32LE(ok ? property >>> 0 : 0, 20);
    this.conn.client.SendEvent(requestor, 0, 0, notify);
  }

  /** Writes `text` to the requestor's property in the form `target` asks for. */
  private put(requestor: number, property: number, target: number, text: string): boolean {
    const { client } = this.conn;
    const a = this.atoms;
    if (target === a.TARGETS) {
      client.ChangeProperty(0, requestor, property, ATOM.ATOM, 32, [a.TARGETS, a.UTF8_STRING, ATOM.STRING, a.TEXT]);
      return true;
    }
    let data: Buffer, type: number;
    if (target === a.UTF8_STRING || target === a.TEXT) [data, type] = [Buffer.from(text, "utf8"), a.UTF8_STRING];
    else if (target === ATOM.STRING) [data, type] = [Buffer.from(text.replace(/[^\x00-\xff]/gu, "?"), "latin1"), ATOM.STRING];
    else return false;
    // One ChangeProperty request (no BIG-REQUESTS for it, no INCR transfer).
    const max = (this.conn.display.max_request_length ?? 65535) * 4 - 24;
    if (data.length > max) {
      this.log.info("x11", `clipboard text of ${data.length} bytes is over the ${max} bytes one X property takes; not pasted`);
      return false;
    }
    client.ChangeProperty(0, requestor, property, type, 8, data);
    return true;
  }

  // ---- reading another program's text -----------------------------------------------------

  private read(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    this.readText()
      .then((text) => {
        if (text !== undefined && !this.stopped) this.onText(text);
      })
      .catch((err: unknown) => {
        if (!(err instanceof XConnectionClosedError)) this.log.info("x11", `reading the clipboard: ${(err as Error).message}`);
      })
      .finally(() => {
        this.reading = false;
        if (this.readAgain) {
          this.readAgain = false;
          this.read();
        }
      });
  }

  /** CLIPBOARD as UTF8_STRING, else STRING; undefined when the owner has no text. */
  private async readText(): Promise<string | undefined> {
    for (const target of [this.atoms.UTF8_STRING, ATOM.STRING]) {
      const property = await this.convert(target);
      if (!property) continue;
      const prop = await this.conn.call<{ type: number; format: number; bytesAfter: number; data: Buffer }>((cb) =>
        this.conn.client.GetProperty(1, this.window, property, 0, 0, MAX_READ / 4, cb),
      );
      if (prop.type === this.atoms.INCR) throw new Error("the owner sends the text incrementally (INCR), which is not supported");
      if (prop.bytesAfter > 0) throw new Error(`clipboard text over ${MAX_READ} bytes ignored`);
      if (prop.format !== 8) continue;
      return prop.type === ATOM.STRING ? prop.data.toString("latin1") : prop.data.toString("utf8");
    }
    return undefined;
  }

  /** ConvertSelection(CLIPBOARD → target) into our property; the property, or 0 if refused. */
  private convert(target: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingNotify = undefined;
        reject(new Error(`the clipboard owner did not answer within ${CONVERT_TIMEOUT_MS} ms`));
      }, CONVERT_TIMEOUT_MS);
      this.pendingNotify = (ev) => {
        if (ev.selection !== this.atoms.CLIPBOARD) return;
        clearTimeout(timer);
        this.pendingNotify = undefined;
        resolve(ev.property as number);
      };
      this.conn.client.ConvertSelection(this.window, this.atoms.CLIPBOARD, target, this.atoms.property, 0);
    });
  }
}
