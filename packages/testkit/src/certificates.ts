import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./processes.js";

export interface TestCertificates {
  /** A directory with ca-cert.pem, server-cert.pem, server-key.pem (QEMU's x509-dir layout). */
  dir: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** A throw-away CA and a server certificate for 127.0.0.1 / localhost, made with openssl. */
export function makeTestCertificates(): TestCertificates {
  const dir = makeTempDir("certs");
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca-cert.pem", "-days", "2", "-subj", "/CN=Saffron test CA");
  run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=localhost");
  const ext = join(dir, "ext.cnf");
  execFileSync("sh", ["-c", `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > '${ext}'`]);
  run("x509", "-req", "-in", "server.csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "server-cert.pem", "-days", "2", "-extfile", ext);
  return {
    dir,
    ca: readFileSync(join(dir, "ca-cert.pem")),
    cert: readFileSync(join(dir, "server-cert.pem")),
    key: readFileSync(join(dir, "server-key.pem")),
  };
}
