import {
  AuthMechanism,
  CommonCap,
  ExactReader,
  LINK_AUTH_MECHANISM_SIZE,
  LINK_HEADER_SIZE,
  LINK_MESS_FIXED_SIZE,
  LINK_REPLY_FIXED_SIZE,
  LINK_RESULT_SIZE,
  LinkErr,
  SPICE_TICKET_BYTES,
  SpiceError,
  encryptTicket,
  parseLinkHeader,
  parseLinkMess,
  parseLinkReply,
  type LinkMess,
  type LinkReply,
  type SubtleCryptoLike,
} from "@saffron/protocol";

export interface TicketRewriterOptions {
  /** The target's SPICE password, encrypted into every ticket the client sends. */
  password: string;
  toServer(bytes: Uint8Array): void;
  toClient(bytes: Uint8Array): void;
  /** The link stage is over: the server's link result (or a refusal) went to the client. */
  onLinked?(info: { channelType: number; channelId: number; result: number }): void;
  /** A malformed link stage from either side; the caller closes both connections. */
  onError?(error: SpiceError): void;
  subtle?: SubtleCryptoLike;
}

type ClientPhase = "header" | "mess" | "await-reply" | "mechanism" | "ticket" | "encrypting" | "pass" | "failed";
type ServerPhase = "header" | "reply" | "result" | "pass" | "failed";

/**
 * Sits on one channel's byte streams between a browser and a SPICE server and replaces the
 * client's 128-byte ticket with one that carries the configured password, encrypted under
 * the public key of the server's link reply. Everything else passes unchanged and in order:
 * the link message and reply (parsed with the protocol's codecs), the auth mechanism word,
 * the link result, and all channel traffic after it. When the client chose SASL or the
 * server refused the link, the streams pass through untouched.
 */
export class TicketRewriter {
  private readonly client = new ExactReader();
  private readonly server = new ExactReader();
  private clientPhase: ClientPhase = "header";
  private serverPhase: ServerPhase = "header";
  private clientNeed = LINK_HEADER_SIZE;
  private serverNeed = LINK_HEADER_SIZE;
  private mess?: LinkMess;
  private reply?: LinkReply;
  /** Bytes the client sent after its ticket while the new ticket was being encrypted. */
  private held: Uint8Array[] = [];
  /** True once a ticket was replaced. */
  substituted = false;

  constructor(private readonly options: TicketRewriterOptions) {}

  /** Whether both directions are in pass-through (the link stage is over). */
  get passing(): boolean {
    return this.clientPhase === "pass" && this.serverPhase === "pass";
  }

  fromClient(chunk: Uint8Array): void {
    if (this.clientPhase === "pass") return this.options.toServer(chunk);
    if (this.clientPhase === "failed") return;
    if (this.clientPhase === "encrypting") {
      this.held.push(chunk);
      return;
    }
    this.client.push(chunk);
    this.stepClient();
  }

  fromServer(chunk: Uint8Array): void {
    if (this.serverPhase === "pass") return this.options.toClient(chunk);
    if (this.serverPhase === "failed") return;
    this.server.push(chunk);
    this.stepServer();
  }

  private fail(e: unknown): void {
    this.clientPhase = "failed";
    this.serverPhase = "failed";
    const err = e instanceof SpiceError ? e : new SpiceError("ERR_SPICE_MALFORMED", `link stage: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    this.options.onError?.(err);
  }

  private stepClient(): void {
    try {
      for (;;) {
        if (this.clientPhase === "await-reply" || this.clientPhase === "pass" || this.clientPhase === "failed" || this.clientPhase === "encrypting") return;
        const bytes = this.client.read(this.clientNeed);
        if (!bytes) return;
        switch (this.clientPhase) {
          case "header": {
            const h = parseLinkHeader(bytes, LINK_MESS_FIXED_SIZE);
            this.options.toServer(bytes);
            this.clientPhase = "mess";
            this.clientNeed = h.size;
            break;
          }
          case "mess":
            this.mess = parseLinkMess(bytes);
            this.options.toServer(bytes);
            this.clientPhase = "await-reply";
            this.afterReply();
            break;
          case "mechanism": {
            const mechanism = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
            this.options.toServer(bytes);
            if (mechanism === AuthMechanism.Spice) {
              this.clientPhase = "ticket";
              this.clientNeed = SPICE_TICKET_BYTES;
            } else this.passClient(); // SASL (or garbage the server will refuse): not ours to touch
            break;
          }
          case "ticket":
            this.clientPhase = "encrypting";
            void this.substitute();
            return;
        }
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /** Moves the client side on once both the link message and the reply are known. */
  private afterReply(): void {
    if (this.clientPhase !== "await-reply" || !this.reply || !this.mess) return;
    if (this.reply.error !== LinkErr.Ok) return this.passClient();
    // The client writes the mechanism word when the server advertised AUTH_SELECTION.
    if (this.reply.caps.common.has(CommonCap.AuthSelection)) {
      this.clientPhase = "mechanism";
      this.clientNeed = LINK_AUTH_MECHANISM_SIZE;
    } else {
      this.clientPhase = "ticket";
      this.clientNeed = SPICE_TICKET_BYTES;
    }
    this.stepClient();
  }

  private async substitute(): Promise<void> {
    let ticket: Uint8Array;
    try {
      ticket = await encryptTicket(this.reply!.pubKey, this.options.password, this.options.subtle);
    } catch (e) {
      return this.fail(e);
    }
    if (this.clientPhase !== "encrypting") return; // failed meanwhile
    this.substituted = true;
    this.options.toServer(ticket);
    this.passClient();
  }

  private passClient(): void {
    this.clientPhase = "pass";
    for (const c of this.client.takeRest()) this.options.toServer(c);
    const held = this.held;
    this.held = [];
    for (const c of held) this.options.toServer(c);
  }

  private stepServer(): void {
    try {
      for (;;) {
        if (this.serverPhase === "pass" || this.serverPhase === "failed") return;
        const bytes = this.server.read(this.serverNeed);
        if (!bytes) return;
        switch (this.serverPhase) {
          case "header": {
            const h = parseLinkHeader(bytes, LINK_REPLY_FIXED_SIZE);
            this.options.toClient(bytes);
            this.serverPhase = "reply";
            this.serverNeed = h.size;
            break;
          }
          case "reply": {
            const reply = parseLinkReply(bytes);
            this.options.toClient(bytes);
            this.reply = reply;
            if (reply.error !== LinkErr.Ok) {
              this.passServer(reply.error);
            } else {
              this.serverPhase = "result";
              this.serverNeed = LINK_RESULT_SIZE;
            }
            this.afterReply();
            break;
          }
          case "result": {
            const result = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
            this.options.toClient(bytes);
            this.passServer(result);
            break;
          }
        }
      }
    } catch (e) {
      this.fail(e);
    }
  }

  private passServer(result: number): void {
    this.serverPhase = "pass";
    this.options.onLinked?.({ channelType: this.mess?.channelType ?? 0, channelId: this.mess?.channelId ?? 0, result });
    for (const c of this.server.takeRest()) this.options.toClient(c);
  }
}
