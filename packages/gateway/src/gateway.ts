import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { silentLogger, type Logger } from "@saffron/protocol";
import { WebSocketServer } from "ws";
import { Bridge } from "./bridge.js";
import type { GatewayConfig } from "./config.js";
import { GatewayMetrics } from "./metrics.js";
import { SECURITY_HEADERS, serveStatic } from "./static-files.js";
import { checkToken, tokenFromRequest } from "./token.js";

export interface GatewayOptions {
  log?: Logger;
}

export interface GatewayAddress {
  port: number;
  addr: string;
  /** "http://127.0.0.1:8080" (https with TLS). */
  url: string;
}

const SPICE_PATH = /^\/spice\/([^/]+)\/?$/;
/** Largest WebSocket message accepted from a browser. */
const MAX_PAYLOAD = 16 * 1024 * 1024;

/**
 * The Saffron gateway: one HTTP(S) listener that serves the web client's files, answers
 * /metrics and /healthz, and bridges WebSocket upgrades at /spice/NAME to new TCP connections
 * to the configured target NAME, after checking the JWT of each upgrade.
 */
export class Gateway {
  readonly metrics = new GatewayMetrics();
  readonly log: Logger;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, perMessageDeflate: false });
  private readonly bridges = new Set<Bridge>();
  /** Upgrades being authenticated right now (count against the limit). */
  private pending = 0;
  private nextId = 1;
  private closing = false;

  constructor(
    readonly config: GatewayConfig,
    options: GatewayOptions = {},
  ) {
    this.log = options.log ?? silentLogger;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => void this.onRequest(req, res);
    this.server = config.listen.tls
      ? createHttpsServer({ cert: Buffer.from(config.listen.tls.cert), key: Buffer.from(config.listen.tls.key) }, onRequest)
      : createHttpServer(onRequest);
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.onUpgrade(req, socket, head));
    this.server.on("clientError", (_e, socket) => socket.destroy());
    if (config.listen.tls) this.server.on("tlsClientError", (e) => this.log.debug("gateway", "TLS handshake failed", { error: e.message }));
  }

  /** WebSocket connections bridged right now. */
  get connectionCount(): number {
    return this.bridges.size;
  }

  /** Binds the listener (port 0 picks a free port). */
  listen(): Promise<GatewayAddress> {
    const { port, addr } = this.config.listen;
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, addr, () => {
        this.server.off("error", reject);
        const a = this.server.address();
        const bound = typeof a === "object" && a ? a.port : port;
        const host = addr.includes(":") ? `[${addr}]` : addr;
        const url = `${this.config.listen.tls ? "https" : "http"}://${host}:${bound}`;
        this.log.info("gateway", "listening", { url, targets: [...this.config.targets.keys()], auth: this.config.auth === "none" ? "none" : "jwt" });
        resolve({ port: bound, addr, url });
      });
    });
  }

  /** Stops accepting, closes every bridge (WebSocket close 1001) and the listener. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const b of [...this.bridges]) b.close("gateway shutting down", 1001);
    this.server.closeAllConnections();
    for (const ws of this.wss.clients) ws.terminate();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 3000).unref())]);
    this.log.info("gateway", "stopped");
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://gateway");
    } catch {
      return void res.writeHead(400, SECURITY_HEADERS).end();
    }
    if (url.pathname === "/metrics" && this.config.metrics) {
      const body = this.metrics.render();
      res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      return void res.end(req.method === "HEAD" ? undefined : body);
    }
    if (url.pathname === "/healthz") {
      res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/plain" });
      return void res.end("ok\n");
    }
    if (SPICE_PATH.test(url.pathname)) return void (await this.answerPlainRequest(req, res, url));
    try {
      await serveStatic(this.config.staticDir, req, res, url.pathname);
    } catch (e) {
      this.log.warn("gateway", "static file error", { path: url.pathname, error: (e as Error).message });
      if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
      res.end();
    }
  }

  /**
   * A plain GET/HEAD on /spice/NAME answers what an upgrade with the same token would get:
   * 404 (unknown target), 401 (token refused) or 426 (fine, but upgrade). Browsers cannot see
   * the status of a refused WebSocket upgrade, so the web client asks this way to tell a
   * refused token from an unreachable server. Not counted as auth failures (no upgrade).
   */
  private async answerPlainRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const text = (status: number, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra });
      res.end(req.method === "HEAD" ? undefined : `${body}\n`);
    };
    let name = "";
    try {
      name = decodeURIComponent(SPICE_PATH.exec(url.pathname)![1]!);
    } catch {
      return text(404, "not found");
    }
    if (!this.config.targets.has(name)) return text(404, "unknown target");
    if (this.config.auth !== "none") {
      const check = await checkToken(this.config.auth.jwtSecret, tokenFromRequest(url, req.headers.authorization), name);
      if (!check.ok) {
        this.log.debug("gateway", "token check refused", { target: name, reason: check.reason });
        return text(401, `unauthorized (${check.reason})`, { "www-authenticate": 'Bearer realm="saffron"' });
      }
    }
    text(426, "this path takes a WebSocket upgrade", { upgrade: "websocket" });
  }

  private refuse(socket: Duplex, status: number, reason: string, extra: Record<string, string> = {}): void {
    const body = `${reason}\n`;
    const headers = { connection: "close", "content-type": "text/plain; charset=utf-8", "content-length": String(Buffer.byteLength(body)), ...extra };
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${head}\r\n${body}`);
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => {});
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    if (this.closing) return this.refuse(socket, 503, "the gateway is shutting down");
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://gateway");
    } catch {
      this.metrics.reject("bad_request");
      return this.refuse(socket, 400, "bad request");
    }
    const m = SPICE_PATH.exec(url.pathname);
    if (!m) {
      this.metrics.reject("bad_path");
      return this.refuse(socket, 404, "not found: WebSockets are at /spice/TARGET");
    }
    let name: string;
    try {
      name = decodeURIComponent(m[1]!);
    } catch {
      this.metrics.reject("bad_path");
      return this.refuse(socket, 404, "not found");
    }
    const target = this.config.targets.get(name);
    if (!target) {
      this.metrics.reject("unknown_target");
      this.log.info("gateway", "unknown target", { peer, target: name.slice(0, 64) });
      return this.refuse(socket, 404, "unknown target");
    }
    if (this.bridges.size + this.pending >= this.config.maxConnections) {
      this.metrics.reject("limit");
      this.log.warn("gateway", "connection limit reached", { peer, limit: this.config.maxConnections });
      return this.refuse(socket, 503, "too many connections");
    }
    let subject: string | undefined;
    this.pending++;
    try {
      if (this.config.auth !== "none") {
        const check = await checkToken(this.config.auth.jwtSecret, tokenFromRequest(url, req.headers.authorization), name);
        if (!check.ok) {
          this.metrics.authFailure(check.reason);
          this.log.info("gateway", "upgrade refused", { peer, target: name, reason: check.reason });
          return this.refuse(socket, 401, `unauthorized (${check.reason})`, { "www-authenticate": 'Bearer realm="saffron"' });
        }
        subject = check.subject;
      }
    } finally {
      this.pending--;
    }
    if (this.closing || socket.destroyed) return void socket.destroy();
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.closing) return ws.terminate();
      const bridge = new Bridge({
        id: this.nextId++,
        ws,
        target,
        counters: this.metrics.target(name),
        log: this.log,
        handshakeTimeoutMs: this.config.handshakeTimeoutMs,
        idleTimeoutMs: this.config.idleTimeoutMs,
        peer,
        subject,
        onClosed: (b) => this.bridges.delete(b),
      });
      this.bridges.add(bridge);
    });
  }
}
