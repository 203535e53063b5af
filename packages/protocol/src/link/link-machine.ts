import { decode } from "../schema/codec.js";
import { SpiceError } from "../wire/errors.js";
import { Caps, CommonCap } from "./capabilities.js";
import {
  AuthMechanism,
  LINK_AUTH_MECHANISM_SIZE,
  LINK_HEADER_SIZE,
  LINK_MESS_FIXED_SIZE,
  LINK_REPLY_FIXED_SIZE,
  LINK_RESULT_SIZE,
  LinkAuthMechanism,
  LinkErr,
  LinkResult,
  SPICE_TICKET_BYTES,
  SPICE_TICKET_PUBKEY_BYTES,
  encodeAuthMechanism,
  encodeLinkErrorReply,
  encodeLinkMess,
  encodeLinkReply,
  encodeLinkResult,
  linkErrMessage,
  linkErrName,
  linkRefused,
  parseLinkHeader,
  parseLinkMess,
  parseLinkReply,
  type LinkCaps,
  type LinkMess,
} from "./link-messages.js";

/**
 * The link handshake (protocol-map §2) as pure transitions, for both sides. No I/O: each
 * waiting phase says how many bytes it `need`s; the driver reads exactly that many, calls the
 * step function and writes `send`. Phases that need outside work (the ticket encryption on
 * the client; accepting the channel and checking the ticket on the server) are explicit
 * `need-*` phases the driver answers with the matching function. Peer faults end in a
 * `failed` phase carrying a SpiceError (after `send`, e.g. the server's error reply, is
 * written); bad driver calls throw plain Errors.
 *
 * Client:  clientStart → awaiting-reply-header → awaiting-reply → need-ticket
 *          → (clientTicket) → awaiting-result → ready
 * Server:  serverStart → awaiting-header → awaiting-mess → need-accept → (serverAccept)
 *          → [awaiting-auth-mechanism] → awaiting-ticket → need-ticket-check
 *          → (serverResult) → ready
 */

export interface LinkStep<P> {
  phase: P;
  /** Bytes to write, in order (may be empty). */
  send: Uint8Array[];
  /** True when the phase is `ready` or `failed`. */
  done: boolean;
}

/** What both sides know once the link succeeded. */
export interface LinkOutcome {
  /** The link message the client sent. */
  mess: LinkMess;
  clientCaps: LinkCaps;
  serverCaps: LinkCaps;
  /** Both sides advertised MINI_HEADER: use 6-byte data headers in both directions. */
  miniHeader: boolean;
}

export interface FailedPhase {
  kind: "failed";
  error: SpiceError;
}

function failed<P>(error: SpiceError, send: Uint8Array[] = []): LinkStep<P | FailedPhase> {
  return { phase: { kind: "failed", error }, send, done: true };
}

function checkLength(kind: string, need: number, bytes: Uint8Array): void {
  if (bytes.length !== need) throw new Error(`link ${kind}: expected exactly ${need} bytes, got ${bytes.length}`);
}

function outcome(mess: LinkMess, serverCaps: LinkCaps): LinkOutcome {
  const clientCaps = mess.caps;
  const miniHeader = clientCaps.common.has(CommonCap.MiniHeader) && serverCaps.common.has(CommonCap.MiniHeader);
  return { mess, clientCaps, serverCaps, miniHeader };
}

/** AUTH_SELECTION, AUTH_SPICE and MINI_HEADER (word 0x0B), what spice-server sends without SASL. */
export function defaultCommonCaps(): Caps {
  return Caps.of(CommonCap.AuthSelection, CommonCap.AuthSpice, CommonCap.MiniHeader);
}

// ---------------------------------------------------------------------------------------
// Client

export interface ClientLinkOptions {
  channelType: number;
  channelId?: number;
  /** 0 for the main channel of a new session, else MAIN_INIT's session_id. */
  connectionId?: number;
  /** Default: AUTH_SELECTION, AUTH_SPICE, MINI_HEADER. */
  commonCaps?: Caps;
  /** Default: none. */
  channelCaps?: Caps;
}

export type ClientLinkPhase =
  | { kind: "awaiting-reply-header"; need: number; mess: LinkMess }
  | { kind: "awaiting-reply"; need: number; mess: LinkMess }
  /** Encrypt the password for `publicKey` (see encryptTicket) and call clientTicket. */
  | { kind: "need-ticket"; publicKey: Uint8Array; mess: LinkMess; serverCaps: LinkCaps }
  | { kind: "awaiting-result"; need: number; mess: LinkMess; serverCaps: LinkCaps }
  | { kind: "ready"; link: LinkOutcome }
  | FailedPhase;

export type ClientLinkStep = LinkStep<ClientLinkPhase>;

/** Builds the link message; send it, then read `phase.need` bytes. */
export function clientStart(options: ClientLinkOptions): ClientLinkStep {
  const mess: LinkMess = {
    connectionId: options.connectionId ?? 0,
    channelType: options.channelType,
    channelId: options.channelId ?? 0,
    caps: { common: (options.commonCaps ?? defaultCommonCaps()).clone(), channel: (options.channelCaps ?? new Caps()).clone() },
  };
  return { phase: { kind: "awaiting-reply-header", need: LINK_HEADER_SIZE, mess }, send: [encodeLinkMess(mess)], done: false };
}

/** Feeds exactly `phase.need` bytes to a waiting client phase. */
export function clientStep(phase: ClientLinkPhase, bytes: Uint8Array): ClientLinkStep {
  try {
    switch (phase.kind) {
      case "awaiting-reply-header": {
        checkLength(phase.kind, phase.need, bytes);
        const h = parseLinkHeader(bytes, LINK_REPLY_FIXED_SIZE);
        return { phase: { kind: "awaiting-reply", need: h.size, mess: phase.mess }, send: [], done: false };
      }
      case "awaiting-reply": {
        checkLength(phase.kind, phase.need, bytes);
        const reply = parseLinkReply(bytes);
        if (reply.error !== LinkErr.Ok) return failed(linkRefused(reply.error, "link reply"));
        const server = reply.caps.common;
        const send: Uint8Array[] = [];
        // The server reads the mechanism word only if the client advertised AUTH_SELECTION
        // too (reds.cpp), so it is sent only when both sides did.
        if (server.has(CommonCap.AuthSelection) && phase.mess.caps.common.has(CommonCap.AuthSelection)) {
          if (!server.has(CommonCap.AuthSpice) && server.has(CommonCap.AuthSasl)) {
            return failed(new SpiceError("ERR_SPICE_AUTH", "the server requires SASL authentication, which is not supported"));
          }
          send.push(encodeAuthMechanism(AuthMechanism.Spice));
        }
        // Copy the key: `bytes` may be a view into a transport buffer.
        const publicKey = reply.pubKey.slice();
        return { phase: { kind: "need-ticket", publicKey, mess: phase.mess, serverCaps: reply.caps }, send, done: false };
      }
      case "awaiting-result": {
        checkLength(phase.kind, phase.need, bytes);
        const { error } = decode(LinkResult, bytes);
        if (error !== LinkErr.Ok) return failed(linkRefused(error, "link result"));
        return { phase: { kind: "ready", link: outcome(phase.mess, phase.serverCaps) }, send: [], done: true };
      }
      default:
        throw new Error(`clientStep: phase ${phase.kind} does not read bytes`);
    }
  } catch (e) {
    if (e instanceof SpiceError) return failed(e);
    throw e;
  }
}

/** Answers `need-ticket` with the 128-byte encrypted ticket. */
export function clientTicket(phase: ClientLinkPhase, ticket: Uint8Array): ClientLinkStep {
  if (phase.kind !== "need-ticket") throw new Error(`clientTicket: phase is ${phase.kind}`);
  checkLength("ticket", SPICE_TICKET_BYTES, ticket);
  return {
    phase: { kind: "awaiting-result", need: LINK_RESULT_SIZE, mess: phase.mess, serverCaps: phase.serverCaps },
    send: [ticket],
    done: false,
  };
}

// ---------------------------------------------------------------------------------------
// Server

export type ServerLinkPhase =
  | { kind: "awaiting-header"; need: number }
  | { kind: "awaiting-mess"; need: number }
  /** Decide about `mess` (channel exists, security policy, session id) and call serverAccept. */
  | { kind: "need-accept"; mess: LinkMess }
  | { kind: "awaiting-auth-mechanism"; need: number; mess: LinkMess; serverCaps: LinkCaps }
  | { kind: "awaiting-ticket"; need: number; mess: LinkMess; serverCaps: LinkCaps }
  /** Decrypt and check `ticket` (see verifyTicket) and call serverResult. */
  | { kind: "need-ticket-check"; ticket: Uint8Array; mess: LinkMess; serverCaps: LinkCaps }
  | { kind: "ready"; link: LinkOutcome }
  | FailedPhase;

export type ServerLinkStep = LinkStep<ServerLinkPhase>;

/**
 * The first server phase: read the 16-byte header. (A listener that also accepts WebSocket
 * should peek for "GET " before starting the machine, as spice-server does on a bad magic.)
 */
export function serverStart(): ServerLinkStep {
  return { phase: { kind: "awaiting-header", need: LINK_HEADER_SIZE }, send: [], done: false };
}

/** The error reply spice-server sends for a link fault (none for major version 0). */
function serverRefuse(e: SpiceError, replyWith: number | null): ServerLinkStep {
  return failed(e, replyWith === null ? [] : [encodeLinkErrorReply(replyWith)]);
}

/** Feeds exactly `phase.need` bytes to a waiting server phase. */
export function serverStep(phase: ServerLinkPhase, bytes: Uint8Array): ServerLinkStep {
  switch (phase.kind) {
    case "awaiting-header": {
      checkLength(phase.kind, phase.need, bytes);
      try {
        const h = parseLinkHeader(bytes, LINK_MESS_FIXED_SIZE);
        return { phase: { kind: "awaiting-mess", need: h.size }, send: [], done: false };
      } catch (e) {
        if (!(e instanceof SpiceError)) throw e;
        // Major version 0: spice-server closes without a reply.
        const silent = e.code === "ERR_SPICE_BAD_VERSION" && decodeMajor(bytes) === 0;
        return serverRefuse(e, silent ? null : (e.linkError ?? LinkErr.InvalidData));
      }
    }
    case "awaiting-mess": {
      checkLength(phase.kind, phase.need, bytes);
      try {
        const mess = parseLinkMess(bytes);
        return { phase: { kind: "need-accept", mess }, send: [], done: false };
      } catch (e) {
        if (!(e instanceof SpiceError)) throw e;
        return serverRefuse(e, LinkErr.InvalidData);
      }
    }
    case "awaiting-auth-mechanism": {
      checkLength(phase.kind, phase.need, bytes);
      const { authMechanism } = decode(LinkAuthMechanism, bytes);
      if (authMechanism !== AuthMechanism.Spice) {
        // spice-server answers an unsupported method with INVALID_DATA and closes.
        const e = new SpiceError("ERR_SPICE_AUTH", `client chose auth mechanism ${authMechanism}; only SPICE tickets (1) are supported`, {
          linkError: LinkErr.InvalidData,
        });
        return failed(e, [encodeLinkResult(LinkErr.InvalidData)]);
      }
      return { phase: { kind: "awaiting-ticket", need: SPICE_TICKET_BYTES, mess: phase.mess, serverCaps: phase.serverCaps }, send: [], done: false };
    }
    case "awaiting-ticket": {
      checkLength(phase.kind, phase.need, bytes);
      return {
        phase: { kind: "need-ticket-check", ticket: bytes.slice(), mess: phase.mess, serverCaps: phase.serverCaps },
        send: [],
        done: false,
      };
    }
    default:
      throw new Error(`serverStep: phase ${phase.kind} does not read bytes`);
  }
}

function decodeMajor(header: Uint8Array): number {
  return (header[4]! | (header[5]! << 8) | (header[6]! << 16) | (header[7]! << 24)) >>> 0;
}

export type ServerAcceptDecision =
  | {
      /** The 162-byte SPKI of this link's ticket key (TicketKeyPair.publicKeyDer). */
      publicKey: Uint8Array;
      /** Default: AUTH_SELECTION, AUTH_SPICE, MINI_HEADER. */
      commonCaps?: Caps;
      channelCaps?: Caps;
    }
  | {
      /** Refuse the link with this SpiceLinkErr (e.g. ChannelNotAvailable, NeedSecured). */
      refuse: number;
    };

/** Answers `need-accept`: sends the link reply (or an error reply). */
export function serverAccept(phase: ServerLinkPhase, decision: ServerAcceptDecision): ServerLinkStep {
  if (phase.kind !== "need-accept") throw new Error(`serverAccept: phase is ${phase.kind}`);
  if ("refuse" in decision) {
    if (decision.refuse === LinkErr.Ok) throw new Error("serverAccept: refuse with LinkErr.Ok");
    const e = new SpiceError("ERR_SPICE_LINK_REFUSED", `link refused: ${linkErrMessage(decision.refuse)} (${linkErrName(decision.refuse)})`, {
      linkError: decision.refuse,
    });
    return serverRefuse(e, decision.refuse);
  }
  if (decision.publicKey.length !== SPICE_TICKET_PUBKEY_BYTES) {
    throw new Error(`serverAccept: public key is ${decision.publicKey.length} bytes, expected ${SPICE_TICKET_PUBKEY_BYTES}`);
  }
  const serverCaps: LinkCaps = {
    common: (decision.commonCaps ?? defaultCommonCaps()).clone(),
    channel: (decision.channelCaps ?? new Caps()).clone(),
  };
  const send = [encodeLinkReply({ error: LinkErr.Ok, pubKey: decision.publicKey, caps: serverCaps })];
  // The mechanism u32 comes only if the *client* advertised AUTH_SELECTION (reds.cpp).
  const next: ServerLinkPhase = phase.mess.caps.common.has(CommonCap.AuthSelection)
    ? { kind: "awaiting-auth-mechanism", need: LINK_AUTH_MECHANISM_SIZE, mess: phase.mess, serverCaps }
    : { kind: "awaiting-ticket", need: SPICE_TICKET_BYTES, mess: phase.mess, serverCaps };
  return { phase: next, send, done: false };
}

/**
 * Answers `need-ticket-check` with the link result (LinkErr.Ok, PermissionDenied,
 * BadConnectionId, ChannelNotAvailable ...). It is sent; anything but Ok ends in `failed`.
 */
export function serverResult(phase: ServerLinkPhase, result: number): ServerLinkStep {
  if (phase.kind !== "need-ticket-check") throw new Error(`serverResult: phase is ${phase.kind}`);
  const send = [encodeLinkResult(result)];
  if (result !== LinkErr.Ok) return failed(linkRefused(result, "link result"), send);
  return { phase: { kind: "ready", link: outcome(phase.mess, phase.serverCaps) }, send, done: true };
}
