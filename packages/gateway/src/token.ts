import { errors, jwtVerify, SignJWT } from "jose";
import { GatewayError } from "./errors.js";

/** Why a token was refused (the `reason` label of the auth-failure metric). */
export type TokenFailure = "missing" | "malformed" | "bad_signature" | "expired" | "no_exp" | "not_yet_valid" | "target_not_allowed";

export type TokenCheck = { ok: true; subject?: string } | { ok: false; reason: TokenFailure };

export interface SignTokenOptions {
  /** Target names the bearer may open, or ["*"] for all. */
  targets: string[];
  /** Lifetime in milliseconds. */
  ttlMs: number;
  subject?: string;
  /** "now" for the token, in ms since the epoch (tests). */
  nowMs?: number;
}

/** Signs an HS256 JWT with `exp` and `targets` claims (and `iat`, `sub` when given). */
export async function signToken(secret: Uint8Array, options: SignTokenOptions): Promise<string> {
  if (!(options.ttlMs > 0)) throw new GatewayError("ERR_GATEWAY_TOKEN", "a token needs a positive lifetime");
  if (options.targets.length === 0) throw new GatewayError("ERR_GATEWAY_TOKEN", "a token needs at least one target");
  const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const jwt = new SignJWT({ targets: options.targets })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now)
    .setExpirationTime(now + Math.max(1, Math.round(options.ttlMs / 1000)));
  if (options.subject) jwt.setSubject(options.subject);
  return jwt.sign(secret);
}

/**
 * Checks a token for `target`: HS256 signature with `secret`, `exp` present and in the
 * future, `nbf` (if any) passed, and `targets` naming the target or "*". Never throws.
 */
export async function checkToken(secret: Uint8Array, token: string | undefined, target: string, nowMs?: number): Promise<TokenCheck> {
  if (!token) return { ok: false, reason: "missing" };
  let payload;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ["HS256"],
      requiredClaims: ["exp"],
      currentDate: nowMs === undefined ? undefined : new Date(nowMs),
    }));
  } catch (e) {
    if (e instanceof errors.JWTExpired) return { ok: false, reason: "expired" };
    if (e instanceof errors.JWTClaimValidationFailed) {
      if (e.claim === "exp") return { ok: false, reason: "no_exp" };
      if (e.claim === "nbf") return { ok: false, reason: "not_yet_valid" };
      return { ok: false, reason: "malformed" };
    }
    if (e instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "bad_signature" };
    return { ok: false, reason: "malformed" };
  }
  const targets = payload.targets;
  if (!Array.isArray(targets) || !targets.some((t) => t === "*" || t === target)) return { ok: false, reason: "target_not_allowed" };
  return { ok: true, subject: typeof payload.sub === "string" ? payload.sub : undefined };
}

/** The token of an upgrade request: `?token=` in the URL, else `Authorization: Bearer`. */
export function tokenFromRequest(url: URL, authorization: string | undefined): string | undefined {
  const q = url.searchParams.get("token");
  if (q) return q;
  const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return m ? m[1] : undefined;
}
