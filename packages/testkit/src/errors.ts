/**
 * Faults of the real peers (Xspice, QEMU, spicy-screenshot, X clients) and of the image
 * files they produce. Each has a stable code; `details` carries the peer's stderr tail or
 * log excerpt so a failing test shows why.
 *
 * Codes:
 * - ERR_PEER_START    a peer did not come up (died during start-up or never got ready)
 * - ERR_PEER_EXIT     a command exited with a non-zero status (or by a signal)
 * - ERR_PEER_TIMEOUT  an operation did not finish in time (see also `withTimeout`)
 * - ERR_PEER_MISSING  a required executable or file (kernel, busybox, module) is absent
 * - ERR_BAD_IMAGE     a PPM/PNG file is malformed, or images of different sizes were compared
 */
export type TestkitErrorCode =
  | "ERR_PEER_START"
  | "ERR_PEER_EXIT"
  | "ERR_PEER_TIMEOUT"
  | "ERR_PEER_MISSING"
  | "ERR_BAD_IMAGE";

export class TestkitError extends Error {
  override readonly name = "TestkitError";
  readonly code: TestkitErrorCode;
  /** Extra diagnostics (stderr tail, exit code, log excerpt). */
  readonly details: string | undefined;
  /** Exit code of the failed command, when there was one. */
  readonly exitCode: number | null | undefined;

  constructor(
    code: TestkitErrorCode,
    message: string,
    options: { details?: string; exitCode?: number | null; cause?: unknown } = {},
  ) {
    super(options.details ? `${message}\n--- details ---\n${options.details}` : message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.exitCode = options.exitCode;
  }
}
