import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { GatewayError } from "./errors.js";
import { parseDuration } from "./duration.js";

/**
 * The gateway's configuration file (JSON), as written by a person. Paths are relative to the
 * file's folder. See packages/gateway/README.md.
 */
export interface GatewayConfigFile {
  listen: { port: number; addr?: string; tls?: { cert: string; key: string } };
  auth: { jwtSecret?: string; jwtSecretFile?: string } | "none";
  targets: Record<string, { host: string; port: number; password?: string; passwordFile?: string }>;
  static?: string;
  timeouts?: { handshake?: string | number; idle?: string | number };
  maxConnections?: number;
  metrics?: boolean;
  log?: "debug" | "info" | "warn" | "error" | "silent";
}

/** One SPICE server the gateway may connect to; browsers only ever name it. */
export interface GatewayTarget {
  name: string;
  host: string;
  port: number;
  /** The SPICE ticket the gateway substitutes for the client's; undefined = pass tickets through. */
  password?: string;
}

/** The resolved configuration: secrets and passwords read, durations in milliseconds. */
export interface GatewayConfig {
  listen: { port: number; addr: string; tls?: { cert: Uint8Array; key: Uint8Array } };
  /** The HS256 secret, or "none" (authentication explicitly disabled). */
  auth: { jwtSecret: Uint8Array } | "none";
  targets: Map<string, GatewayTarget>;
  /** Folder of the web client; undefined = no static files. */
  staticDir?: string;
  /** From WebSocket open until the link stage is through (or the first bytes back when not parsed). */
  handshakeTimeoutMs: number;
  /** No byte in either direction for this long closes the connection; 0 = never. */
  idleTimeoutMs: number;
  maxConnections: number;
  metrics: boolean;
  log: "debug" | "info" | "warn" | "error" | "silent";
}

/** HS256 secrets shorter than this are refused (RFC 7518 §3.2: at least the hash size). */
export const MIN_SECRET_BYTES = 32;
const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const KNOWN_KEYS = ["listen", "auth", "targets", "static", "timeouts", "maxConnections", "metrics", "log"];

function fail(message: string): never {
  throw new GatewayError("ERR_GATEWAY_CONFIG", message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function port(v: unknown, where: string, allowZero: boolean): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < (allowZero ? 0 : 1) || v > 65535) fail(`${where} must be a port number`);
  return v;
}

function str(v: unknown, where: string): string {
  if (typeof v !== "string" || v === "") fail(`${where} must be a non-empty string`);
  return v;
}

/** Reads a secret file: its content without the trailing newline. */
async function readSecret(path: string, where: string): Promise<string> {
  try {
    return (await readFile(path, "utf8")).replace(/\r?\n$/, "");
  } catch (e) {
    fail(`${where}: cannot read ${path}: ${(e as Error).message}`);
  }
}

async function readBytes(path: string, where: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    fail(`${where}: cannot read ${path}: ${(e as Error).message}`);
  }
}

function duration(v: unknown, where: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === "string") {
    const ms = parseDuration(v);
    if (ms !== undefined) return ms;
  }
  fail(`${where} must be a duration such as "30s", "10m", "1h", or milliseconds`);
}

/**
 * Checks a parsed JSON config and reads the files it names (relative to `baseDir`).
 * Errors: GatewayError ERR_GATEWAY_CONFIG with a sentence naming the bad field.
 */
export async function resolveConfig(raw: unknown, baseDir: string = process.cwd()): Promise<GatewayConfig> {
  if (!isObject(raw)) fail("the config must be a JSON object");
  for (const k of Object.keys(raw)) if (!KNOWN_KEYS.includes(k)) fail(`unknown config key "${k}"`);
  const path = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

  if (!isObject(raw.listen)) fail("listen must be an object { port, addr?, tls? }");
  const listen: GatewayConfig["listen"] = {
    port: port(raw.listen.port, "listen.port", true),
    addr: raw.listen.addr === undefined ? "127.0.0.1" : str(raw.listen.addr, "listen.addr"),
  };
  if (raw.listen.tls !== undefined) {
    const tls = raw.listen.tls;
    if (!isObject(tls)) fail("listen.tls must be an object { cert, key }");
    listen.tls = {
      cert: await readBytes(path(str(tls.cert, "listen.tls.cert")), "listen.tls.cert"),
      key: await readBytes(path(str(tls.key, "listen.tls.key")), "listen.tls.key"),
    };
  }

  let auth: GatewayConfig["auth"];
  if (raw.auth === "none") auth = "none";
  else if (isObject(raw.auth)) {
    const { jwtSecret, jwtSecretFile } = raw.auth;
    if ((jwtSecret === undefined) === (jwtSecretFile === undefined)) fail("auth needs exactly one of jwtSecret, jwtSecretFile");
    const secret = jwtSecret !== undefined ? str(jwtSecret, "auth.jwtSecret") : await readSecret(path(str(jwtSecretFile, "auth.jwtSecretFile")), "auth.jwtSecretFile");
    const bytes = new TextEncoder().encode(secret);
    if (bytes.length < MIN_SECRET_BYTES) fail(`auth: the JWT secret must be at least ${MIN_SECRET_BYTES} bytes (got ${bytes.length})`);
    auth = { jwtSecret: bytes };
  } else fail('auth must be { jwtSecret } or { jwtSecretFile }, or "none" to disable authentication');

  if (!isObject(raw.targets) || Object.keys(raw.targets).length === 0) fail("targets must be an object with at least one target");
  const targets = new Map<string, GatewayTarget>();
  for (const [name, t] of Object.entries(raw.targets)) {
    const where = `targets.${name}`;
    if (!TARGET_NAME.test(name)) fail(`${where}: a target name is letters, digits, '.', '_' or '-' (at most 64)`);
    if (!isObject(t)) fail(`${where} must be an object { host, port, password? | passwordFile? }`);
    const target: GatewayTarget = { name, host: str(t.host, `${where}.host`), port: port(t.port, `${where}.port`, false) };
    if (t.password !== undefined && t.passwordFile !== undefined) fail(`${where}: give password or passwordFile, not both`);
    if (t.password !== undefined) target.password = str(t.password, `${where}.password`);
    if (t.passwordFile !== undefined) target.password = (await readSecret(path(str(t.passwordFile, `${where}.passwordFile`)), `${where}.passwordFile`)).split(/\r?\n/)[0];
    if (target.password !== undefined && new TextEncoder().encode(target.password).length > 60) fail(`${where}: SPICE passwords are at most 60 bytes`);
    targets.set(name, target);
  }

  const timeouts = raw.timeouts ?? {};
  if (!isObject(timeouts)) fail("timeouts must be an object { handshake?, idle? }");
  const maxConnections = raw.maxConnections ?? 1000;
  if (typeof maxConnections !== "number" || !Number.isInteger(maxConnections) || maxConnections < 1) fail("maxConnections must be a positive integer");
  if (raw.metrics !== undefined && typeof raw.metrics !== "boolean") fail("metrics must be true or false");
  const log = raw.log ?? "info";
  if (typeof log !== "string" || !["debug", "info", "warn", "error", "silent"].includes(log)) fail("log must be debug, info, warn, error or silent");

  return {
    listen,
    auth,
    targets,
    staticDir: raw.static === undefined ? undefined : path(str(raw.static, "static")),
    handshakeTimeoutMs: duration(timeouts.handshake, "timeouts.handshake", 15_000),
    idleTimeoutMs: duration(timeouts.idle, "timeouts.idle", 3_600_000),
    maxConnections,
    metrics: raw.metrics ?? true,
    log: log as GatewayConfig["log"],
  };
}

/** Reads and resolves a JSON config file. */
export async function loadConfig(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    fail(`cannot read config ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(`config ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return resolveConfig(raw, dirname(resolve(file)));
}
