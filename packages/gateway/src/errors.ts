/** Gateway failures with stable codes (configuration, tokens). */
export type GatewayErrorCode = "ERR_GATEWAY_CONFIG" | "ERR_GATEWAY_TOKEN";

export class GatewayError extends Error {
  override readonly name = "GatewayError";
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
