/**
 * Every fault a peer can cause is a SpiceError with a stable code. Programming errors
 * (impossible states) are plain Errors.
 *
 * Codes:
 * - ERR_SPICE_TRUNCATED      a message or image ended before a field it declares
 * - ERR_SPICE_BAD_MAGIC      the link header does not start with "REDQ"
 * - ERR_SPICE_BAD_VERSION    unsupported protocol major version
 * - ERR_SPICE_LINK_REFUSED   the server answered the link with an error (see linkError)
 * - ERR_SPICE_AUTH           the ticket (password) was refused
 * - ERR_SPICE_MALFORMED      a field holds a value the protocol does not allow
 * - ERR_SPICE_TOO_LARGE      a declared size is over a configured limit
 * - ERR_SPICE_UNKNOWN_MESSAGE a message type this channel does not know
 * - ERR_SPICE_CONNECT        the transport could not be opened
 * - ERR_SPICE_CLOSED         the transport closed while a message was expected
 * - ERR_SPICE_TIMEOUT        the peer did not answer in time
 * - ERR_SPICE_TLS            TLS negotiation failed
 * - ERR_SPICE_AGENT          the vdagent refused or failed a request (file transfer, clipboard)
 * - ERR_QUIC_CORRUPT, ERR_LZ_CORRUPT, ERR_GLZ_CORRUPT, ERR_LZ4_CORRUPT, ERR_JPEG_CORRUPT,
 *   ERR_ZLIB_CORRUPT, ERR_IMAGE_CORRUPT: a compressed image is not decodable
 * - ERR_GLZ_MISSING_IMAGE    a GLZ image refers to a dictionary image we no longer hold
 * - ERR_CACHE_MISS           an image or palette cache reference to an unknown id
 */
export type SpiceErrorCode =
  | "ERR_SPICE_TRUNCATED"
  | "ERR_SPICE_BAD_MAGIC"
  | "ERR_SPICE_BAD_VERSION"
  | "ERR_SPICE_LINK_REFUSED"
  | "ERR_SPICE_AUTH"
  | "ERR_SPICE_MALFORMED"
  | "ERR_SPICE_TOO_LARGE"
  | "ERR_SPICE_UNKNOWN_MESSAGE"
  | "ERR_SPICE_CONNECT"
  | "ERR_SPICE_CLOSED"
  | "ERR_SPICE_TIMEOUT"
  | "ERR_SPICE_TLS"
  | "ERR_SPICE_AGENT"
  | "ERR_QUIC_CORRUPT"
  | "ERR_LZ_CORRUPT"
  | "ERR_GLZ_CORRUPT"
  | "ERR_LZ4_CORRUPT"
  | "ERR_JPEG_CORRUPT"
  | "ERR_ZLIB_CORRUPT"
  | "ERR_IMAGE_CORRUPT"
  | "ERR_GLZ_MISSING_IMAGE"
  | "ERR_CACHE_MISS";

export interface SpiceErrorOptions {
  cause?: unknown;
  /** The protocol's SpiceLinkErr value, when the error comes from the link stage. */
  linkError?: number;
  /** Byte offset in the message or image where the fault was found. */
  offset?: number;
}

export class SpiceError extends Error {
  override readonly name = "SpiceError";
  readonly code: SpiceErrorCode;
  readonly linkError?: number;
  readonly offset?: number;

  constructor(code: SpiceErrorCode, message: string, options: SpiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.linkError !== undefined) this.linkError = options.linkError;
    if (options.offset !== undefined) this.offset = options.offset;
  }
}

export function isSpiceError(e: unknown): e is SpiceError {
  return e instanceof SpiceError;
}
