import { FileTransferError, type SpiceSession } from "@saffron/client";
import { agent } from "@saffron/protocol";
import type { AgentFromSession, AgentToSession } from "./agent-messages.js";

const { AgentCaps: C, AgentClipboardType: T, AgentClipboardSelection: S } = agent;
const FILE_SLICE = 1024 * 1024;

/**
 * The session side of the console's agent features: turns page requests into AgentClient
 * calls (monitors config, clipboard offers, file uploads read from Blobs) and reports the
 * agent's state, the guest's clipboard and transfer progress back to the page.
 */
export class SessionAgent {
  private session?: SpiceSession;
  private gen = 0;
  private offs: (() => void)[] = [];
  private readonly transfers = new Map<number, () => void>();

  constructor(private readonly send: (msg: AgentFromSession, transfer?: ArrayBuffer[]) => void) {}

  attach(session: SpiceSession, gen: number): void {
    this.detach();
    this.session = session;
    this.gen = gen;
    const a = session.agent;
    const state = (connected: boolean) =>
      this.send({
        t: "agent-state",
        gen,
        connected,
        monitors: connected && a.has(C.MonitorsConfig),
        clipboard: connected && a.has(C.ClipboardByDemand),
        fileTransfer: connected && !a.has(C.FileXferDisabled),
      });
    this.offs.push(
      a.on("connected", () => state(true)),
      a.on("disconnected", () => state(false)),
      a.on("clipboard-grab", (types, selection) => selection === S.Clipboard && void this.fetchGuestClipboard(types, gen)),
    );
    if (a.connected) state(true);
  }

  detach(): void {
    for (const off of this.offs.splice(0)) off();
    for (const cancel of this.transfers.values()) cancel();
    this.transfers.clear();
    this.session = undefined;
  }

  handle(msg: AgentToSession): void {
    const a = this.session?.agent;
    if (!a || msg.gen !== this.gen) return;
    switch (msg.t) {
      case "agent-monitors":
        a.setMonitors([{ width: msg.width, height: msg.height }]);
        return;
      case "agent-clipboard-offer":
        void this.offer(msg.text, msg.png);
        return;
      case "agent-file-send":
        this.sendFile(msg.id, msg.name, msg.file);
        return;
      case "agent-file-cancel":
        this.transfers.get(msg.id)?.();
        return;
    }
  }

  private async offer(text: string | undefined, png: Blob | undefined): Promise<void> {
    const items = new Map<number, Uint8Array>();
    if (text !== undefined) items.set(T.Utf8Text, new TextEncoder().encode(text));
    if (png) items.set(T.ImagePng, new Uint8Array(await png.arrayBuffer()));
    if (items.size) this.session?.agent.offer(items);
  }

  private async fetchGuestClipboard(types: number[], gen: number): Promise<void> {
    const a = this.session?.agent;
    if (!a) return;
    try {
      if (types.includes(T.Utf8Text)) {
        const text = new TextDecoder().decode(await a.read(T.Utf8Text));
        if (gen === this.gen) this.send({ t: "agent-clipboard", gen, text });
      } else if (types.includes(T.ImagePng)) {
        const png = (await a.read(T.ImagePng)).slice().buffer;
        if (gen === this.gen) this.send({ t: "agent-clipboard", gen, png }, [png]);
      }
    } catch {
      // The guest changed its clipboard again or cannot serve it: nothing to show.
    }
  }

  private sendFile(id: number, name: string, file: Blob): void {
    const a = this.session!.agent;
    const gen = this.gen;
    const xfer = a.sendFile(name, file.size, blobSlices(file));
    this.transfers.set(id, () => xfer.cancel());
    const off = a.on("file-progress", (p) => {
      if (p.id === xfer.id && p.state !== "done") this.send({ t: "agent-file-progress", gen, id, sent: p.sent, size: p.size, state: p.state });
    });
    xfer.done.then(
      () => this.send({ t: "agent-file-progress", gen, id, sent: file.size, size: file.size, state: "done" }),
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        this.send({
          t: "agent-file-progress",
          gen,
          id,
          sent: 0,
          size: file.size,
          state: "error",
          error: { name: err.name, message: err.message, code: "ERR_SPICE_AGENT", ...(e instanceof FileTransferError ? { status: e.status } : {}) },
        });
      },
    ).finally(() => {
      off();
      this.transfers.delete(id);
    });
  }
}

async function* blobSlices(blob: Blob): AsyncGenerator<Uint8Array> {
  for (let pos = 0; pos < blob.size; pos += FILE_SLICE) yield new Uint8Array(await blob.slice(pos, pos + FILE_SLICE).arrayBuffer());
}
