/**
 * A compressed image that cannot be decoded (corrupt, truncated, or using a feature the
 * stream does not allow). `code` is stable; the client wraps it into a SpiceError.
 */
export type CodecErrorCode =
  | "ERR_QUIC_CORRUPT"
  | "ERR_LZ_CORRUPT"
  | "ERR_GLZ_CORRUPT"
  | "ERR_GLZ_MISSING_IMAGE"
  | "ERR_LZ4_CORRUPT"
  | "ERR_JPEG_CORRUPT"
  | "ERR_ZLIB_CORRUPT"
  | "ERR_IMAGE_CORRUPT"
  | "ERR_IMAGE_TOO_LARGE";

export class CodecError extends Error {
  override readonly name = "CodecError";
  readonly code: CodecErrorCode;
  readonly offset?: number;

  constructor(code: CodecErrorCode, message: string, offset?: number) {
    super(message);
    this.code = code;
    if (offset !== undefined) this.offset = offset;
  }
}

export function isCodecError(e: unknown): e is CodecError {
  return e instanceof CodecError;
}
