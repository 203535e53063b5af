import { custom, decode, encode, fixedBytes, struct, u32, u8, type Codec, type Infer } from "../schema/codec.js";
import { ByteWriter } from "../wire/byte-writer.js";
import { SpiceError } from "../wire/errors.js";
import { Caps, MAX_CAPS_WORDS } from "./capabilities.js";

/** Link-stage structs (protocol-map §2, protocol.h `SpiceLink*`). */

/** "REDQ" read as a little-endian u32. */
export const SPICE_MAGIC = 0x51444552;
export const SPICE_VERSION_MAJOR = 2;
export const SPICE_VERSION_MINOR = 2;
/** DER SubjectPublicKeyInfo of an RSA-1024 key (`SPICE_TICKET_PUBKEY_BYTES`). */
export const SPICE_TICKET_PUBKEY_BYTES = 162;
/** RSA-1024 OAEP ciphertext (`SpiceLinkEncryptedTicket`). */
export const SPICE_TICKET_BYTES = 128;
/** spice-server refuses link messages larger than this (`reds_handle_read_header_done`). */
export const MAX_LINK_SIZE = 4096;

/** `SpiceLinkErr` (`link_err` in spice.proto). */
export const LinkErr = {
  Ok: 0,
  Error: 1,
  InvalidMagic: 2,
  InvalidData: 3,
  VersionMismatch: 4,
  NeedSecured: 5,
  NeedUnsecured: 6,
  PermissionDenied: 7,
  BadConnectionId: 8,
  ChannelNotAvailable: 9,
} as const;
export type LinkErr = (typeof LinkErr)[keyof typeof LinkErr];

const linkErrNames: Record<number, string> = {};
for (const [k, v] of Object.entries(LinkErr)) linkErrNames[v] = k;

/** "PermissionDenied", or "LinkErr(42)" for values the protocol does not define. */
export function linkErrName(err: number): string {
  return linkErrNames[err] ?? `LinkErr(${err})`;
}

const linkErrMessages: Record<number, string> = {
  [LinkErr.Ok]: "ok",
  [LinkErr.Error]: "the server refused the link (unspecified error)",
  [LinkErr.InvalidMagic]: "the peer does not speak SPICE (bad magic)",
  [LinkErr.InvalidData]: "the link message was malformed",
  [LinkErr.VersionMismatch]: "unsupported protocol version or authentication method",
  [LinkErr.NeedSecured]: "this channel requires a TLS connection",
  [LinkErr.NeedUnsecured]: "this channel requires a plain (non-TLS) connection",
  [LinkErr.PermissionDenied]: "the password was refused",
  [LinkErr.BadConnectionId]: "unknown session (bad connection id)",
  [LinkErr.ChannelNotAvailable]: "the channel is not available",
};

/** A readable sentence for a `SpiceLinkErr` value. */
export function linkErrMessage(err: number): string {
  return linkErrMessages[err] ?? `link error ${err}`;
}

/**
 * The SpiceError for a non-OK reply or link result: ERR_SPICE_AUTH for PERMISSION_DENIED,
 * ERR_SPICE_LINK_REFUSED otherwise; `linkError` carries the value.
 */
export function linkRefused(err: number, where = "link"): SpiceError {
  const code = err === LinkErr.PermissionDenied ? "ERR_SPICE_AUTH" : "ERR_SPICE_LINK_REFUSED";
  return new SpiceError(code, `${where}: ${linkErrMessage(err)} (${linkErrName(err)})`, { linkError: err });
}

/** Channel types (`SPICE_CHANNEL_*`, protocol-map §4). */
export const ChannelType = {
  Main: 1,
  Display: 2,
  Inputs: 3,
  Cursor: 4,
  Playback: 5,
  Record: 6,
  Tunnel: 7,
  Smartcard: 8,
  Usbredir: 9,
  Port: 10,
  Webdav: 11,
} as const;
export type ChannelType = (typeof ChannelType)[keyof typeof ChannelType];

/** `SpiceLinkAuthMechanism.auth_mechanism`: the common cap number of the chosen method. */
export const AuthMechanism = { Spice: 1, Sasl: 2 } as const;
export type AuthMechanism = (typeof AuthMechanism)[keyof typeof AuthMechanism];

export const LinkHeader = struct("LinkHeader", {
  magic: u32,
  majorVersion: u32,
  minorVersion: u32,
  /** Bytes that follow the header. */
  size: u32,
});
export type LinkHeader = Infer<typeof LinkHeader>;

/** The two capability vectors of a link message. */
export interface LinkCaps {
  common: Caps;
  channel: Caps;
}

const CapsWords: Codec<LinkCaps> = custom<LinkCaps>(
  "CapsWords",
  () => {
    throw new Error("CapsWords is write-only");
  },
  (w, v) => {
    for (const x of v.common.toWords()) w.u32(x);
    for (const x of v.channel.toWords()) w.u32(x);
  },
);

function tooManyCaps(n: number, what: string, offset: number): SpiceError {
  return new SpiceError("ERR_SPICE_TOO_LARGE", `${what} ${n} over limit ${MAX_CAPS_WORDS}`, { linkError: LinkErr.InvalidData, offset });
}

/**
 * `num_common_caps u32, num_channel_caps u32, caps_offset u32`, with the words (common, then
 * channel) at caps_offset from the start of the enclosing struct. The writer places them
 * right after the fixed part, as spice-gtk (18) and spice-server (178) do.
 */
export const LinkCapsCodec: Codec<LinkCaps> = custom<LinkCaps>(
  "LinkCaps",
  (r, ctx) => {
    const at = r.pos;
    const nCommon = r.u32("num_common_caps");
    const nChannel = r.u32("num_channel_caps");
    const offset = r.u32("caps_offset");
    if (nCommon > MAX_CAPS_WORDS) throw tooManyCaps(nCommon, "num_common_caps", at);
    if (nChannel > MAX_CAPS_WORDS) throw tooManyCaps(nChannel, "num_channel_caps", at + 4);
    const cr = ctx.message.at(offset, "caps_offset");
    cr.need((nCommon + nChannel) * 4, "caps");
    const common: number[] = [];
    const channel: number[] = [];
    for (let i = 0; i < nCommon; i++) common.push(cr.u32("common caps"));
    for (let i = 0; i < nChannel; i++) channel.push(cr.u32("channel caps"));
    return { common: Caps.fromWords(common), channel: Caps.fromWords(channel) };
  },
  (w, v, ctx) => {
    w.u32(v.common.wordCount).u32(v.channel.wordCount);
    const at = w.pos;
    w.u32(0);
    ctx.defer(at, CapsWords, v);
  },
);

/** Client → server after the header (`SpiceLinkMess`). */
export const LinkMess = struct("LinkMess", {
  /** 0 for a new main channel, otherwise MAIN_INIT's session_id. */
  connectionId: u32,
  channelType: u8,
  channelId: u8,
  caps: LinkCapsCodec,
});
export type LinkMess = Infer<typeof LinkMess>;

/** Server → client after the header (`SpiceLinkReply`). */
export const LinkReply = struct("LinkReply", {
  error: u32,
  /** DER SPKI of the per-link RSA key; all zeros on error or when SASL will be used. */
  pubKey: fixedBytes(SPICE_TICKET_PUBKEY_BYTES),
  caps: LinkCapsCodec,
});
export type LinkReply = Infer<typeof LinkReply>;

/** Client → server, only when both sides advertised AUTH_SELECTION. */
export const LinkAuthMechanism = struct("LinkAuthMechanism", { authMechanism: u32 });
/** Client → server: the RSA-OAEP encrypted password. */
export const LinkEncryptedTicket = struct("LinkEncryptedTicket", { encryptedData: fixedBytes(SPICE_TICKET_BYTES) });
/** Server → client: the final `SpiceLinkErr`. */
export const LinkResult = struct("LinkResult", { error: u32 });

const noCaps = (): LinkCaps => ({ common: new Caps(), channel: new Caps() });

/** Size of the header and of the fixed parts, derived from the schemas (16, 18, 178). */
export const LINK_HEADER_SIZE = encode(LinkHeader, { magic: 0, majorVersion: 0, minorVersion: 0, size: 0 }).length;
export const LINK_MESS_FIXED_SIZE = encode(LinkMess, { connectionId: 0, channelType: 0, channelId: 0, caps: noCaps() }).length;
export const LINK_REPLY_FIXED_SIZE = encode(LinkReply, { error: 0, pubKey: new Uint8Array(SPICE_TICKET_PUBKEY_BYTES), caps: noCaps() }).length;
export const LINK_AUTH_MECHANISM_SIZE = encode(LinkAuthMechanism, { authMechanism: 0 }).length;
export const LINK_RESULT_SIZE = encode(LinkResult, { error: 0 }).length;

function packet<T>(codec: Codec<T>, value: T): Uint8Array {
  const body = encode(codec, value);
  const w = new ByteWriter(LINK_HEADER_SIZE + body.length);
  encode(LinkHeader, { magic: SPICE_MAGIC, majorVersion: SPICE_VERSION_MAJOR, minorVersion: SPICE_VERSION_MINOR, size: body.length }, w);
  return w.bytes(body).finish();
}

/** Header + SpiceLinkMess + caps, ready to send. */
export function encodeLinkMess(mess: LinkMess): Uint8Array {
  return packet(LinkMess, mess);
}

/** Header + SpiceLinkReply + caps, ready to send. */
export function encodeLinkReply(reply: LinkReply): Uint8Array {
  return packet(LinkReply, reply);
}

/** The reply spice-server sends on a link error: a fixed-size reply whose other bytes are all zero. */
export function encodeLinkErrorReply(err: number): Uint8Array {
  const ErrorReply = struct("LinkErrorReply", { error: u32, zeros: fixedBytes(LINK_REPLY_FIXED_SIZE - LINK_RESULT_SIZE) });
  return packet(ErrorReply, { error: err, zeros: new Uint8Array(LINK_REPLY_FIXED_SIZE - LINK_RESULT_SIZE) });
}

export function encodeAuthMechanism(mechanism: number): Uint8Array {
  return encode(LinkAuthMechanism, { authMechanism: mechanism });
}

export function encodeLinkResult(err: number): Uint8Array {
  return encode(LinkResult, { error: err });
}

/**
 * Parses and checks a 16-byte link header: magic (ERR_SPICE_BAD_MAGIC), major version
 * (ERR_SPICE_BAD_VERSION), and `minBody <= size <= MAX_LINK_SIZE` (INVALID_DATA).
 */
export function parseLinkHeader(bytes: Uint8Array, minBody: number): LinkHeader {
  const h = decode(LinkHeader, bytes);
  if (h.magic !== SPICE_MAGIC) {
    throw new SpiceError("ERR_SPICE_BAD_MAGIC", `bad link magic 0x${h.magic.toString(16).padStart(8, "0")} (expected "REDQ")`, {
      linkError: LinkErr.InvalidMagic,
      offset: 0,
    });
  }
  if (h.majorVersion !== SPICE_VERSION_MAJOR) {
    throw new SpiceError("ERR_SPICE_BAD_VERSION", `unsupported protocol version ${h.majorVersion}.${h.minorVersion} (need ${SPICE_VERSION_MAJOR}.x)`, {
      linkError: LinkErr.VersionMismatch,
      offset: 4,
    });
  }
  if (h.size > MAX_LINK_SIZE) {
    throw new SpiceError("ERR_SPICE_TOO_LARGE", `link message size ${h.size} over limit ${MAX_LINK_SIZE}`, { linkError: LinkErr.InvalidData, offset: 12 });
  }
  if (h.size < minBody) {
    throw new SpiceError("ERR_SPICE_MALFORMED", `link message size ${h.size} below minimum ${minBody}`, { linkError: LinkErr.InvalidData, offset: 12 });
  }
  return h;
}

/** Parses a SpiceLinkMess body (the `size` bytes after the header). */
export function parseLinkMess(body: Uint8Array): LinkMess {
  return decode(LinkMess, body);
}

/** Parses a SpiceLinkReply body (the `size` bytes after the header). */
export function parseLinkReply(body: Uint8Array): LinkReply {
  return decode(LinkReply, body);
}
