import { connect, createServer } from "node:net";

/**
 * Asks the kernel for a currently unused TCP port on `host` (default 127.0.0.1). Another
 * process may take it before the caller binds, so peer starters retry on a bind failure.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

/**
 * True when something accepts a connection at the TCP `port` (number) or at the Unix
 * socket `path` (string). Never rejects; gives up after `timeoutMs` (default 1 s).
 */
export function canConnect(target: number | string, host = "127.0.0.1", timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = typeof target === "number" ? connect({ port: target, host }) : connect({ path: target });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
