import type { GatewayVerdict } from "./gateway-check.js";

/** Stable names of what went wrong (set as body[data-error] for scripts and tests). */
export type FailureKind = "token-refused" | "unknown-target" | "unreachable" | "closed" | "timeout" | "refused" | "tls" | "insecure-page" | "other";

export interface FailureText {
  kind: FailureKind;
  text: string;
}

const TOKEN_REASONS: Record<string, string> = {
  expired: "it has expired",
  missing: "the link carries none",
  bad_signature: "it was not signed by this gateway",
  malformed: "it is not a valid token",
  no_exp: "it has no expiry",
  not_yet_valid: "it is not valid yet",
  target_not_allowed: "it does not grant this desktop",
};

function codeOf(e: Error | undefined): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * A status-line text (lower case: the page puts "Disconnected: " or "Connection lost: " before it) for a failed or lost connection to `where`: a SpiceError code from the
 * console's 'disconnect' event, refined by what the gateway said (a refused token or an
 * unknown target look like an unreachable server from inside a browser).
 */
export function describeFailure(error: Error | undefined, where: string, verdict: GatewayVerdict = { kind: "unknown" }): FailureText {
  if (verdict.kind === "token-refused") {
    const why = TOKEN_REASONS[verdict.reason] ?? `reason: ${verdict.reason}`;
    return { kind: "token-refused", text: `token refused by the gateway (401: ${why}); open a fresh link with a new token` };
  }
  if (verdict.kind === "unknown-target") return { kind: "unknown-target", text: `the gateway has no desktop at ${where} (404)` };
  const msg = error?.message ?? "";
  switch (codeOf(error)) {
    case "ERR_SPICE_CONNECT":
      return {
        kind: "unreachable",
        text: `cannot reach ${where}: no SPICE server answered there (is it running, and does the address point at its SPICE or gateway port?)`,
      };
    case "ERR_SPICE_CLOSED":
      return { kind: "closed", text: `the server closed the connection (${msg || "no reason given"})` };
    case "ERR_SPICE_TIMEOUT":
      return { kind: "timeout", text: `${where} did not answer in time` };
    case "ERR_SPICE_TLS":
      return { kind: "tls", text: `the secure connection to ${where} failed (certificate not trusted by this browser?)` };
    case "ERR_SPICE_AUTH":
    case "ERR_SPICE_LINK_REFUSED":
      return { kind: "refused", text: `the server refused the connection: ${msg}` };
  }
  if (/secure context/.test(msg)) return { kind: "insecure-page", text: msg };
  return { kind: "other", text: msg || "the connection failed" };
}
