// `saffron serve --tls-port --cert --key` (the CLI as a child process, with a password file and
// a throw-away CA from the testkit): our Node client over spices:// and spice-gtk's
// spicy-screenshot over its secure port both see the picture exactly, while a plain client
// uses the plain port of the same server at the same time. A server certificate from a CA
// the client does not trust is refused by both clients, and a wrong password over TLS too.
//
// spicy-screenshot has no CA option (spice-gtk's --spice-ca-file belongs to the option group
// it does not include; its session's ca-file stays unset): with no CA file spice-gtk uses
// OpenSSL's default verify paths, so SSL_CERT_FILE names the CA it trusts.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DecodedImage } from "@saffron/codecs";
import { connectSpice } from "@saffron/client/node";
import {
  ensureCliBuilt,
  expectSameImage,
  freePort,
  makeTempDir,
  makeTestCertificates,
  readPpm,
  runCommand,
  startSaffronCli,
  stopAllPeers,
  writePng,
  type TestCertificates,
  type TrackedProcess,
} from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plasma, surfaceImage } from "./fixtures.js";

const PASSWORD = "tls-Saffron-pw";

/** 480x320: photo-like plasma with a flat block and a sharp pattern. */
function testPicture(): DecodedImage {
  const w = 480;
  const h = 320;
  const p = plasma(w, h, 7);
  for (let y = 0; y < h; y++) {
    for (let x = 300; x < w; x++) {
      const i = (y * w + x) * 4;
      const v = y < 160 ? 0x40 : ((x * 5) ^ (y * 11)) % 7 < 2 ? 0x00 : 0xff;
      p.data[i] = v;
      p.data[i + 1] = y < 160 ? 0x90 : v;
      p.data[i + 2] = v;
      p.data[i + 3] = 255;
    }
  }
  return p;
}

let dir: string;
let certs: TestCertificates;
let otherCa: string;
let caFile: string;
let picture: DecodedImage;
let cli: { port: number; tlsPort: number; proc: TrackedProcess; output(): string } | undefined;

beforeAll(async () => {
  await ensureCliBuilt();
  dir = makeTempDir("server-tls");
  certs = makeTestCertificates();
  caFile = join(dir, "ca.pem");
  writeFileSync(caFile, certs.ca);
  otherCa = join(dir, "other-ca.pem");
  writeFileSync(otherCa, makeTestCertificates().ca);
  writeFileSync(join(dir, "cert.pem"), certs.cert);
  writeFileSync(join(dir, "key.pem"), certs.key, { mode: 0o600 });
  picture = testPicture();
  writePng(join(dir, "picture.png"), picture);
  writeFileSync(join(dir, "password.txt"), PASSWORD + "\n", { mode: 0o600 });

  const port = await freePort();
  const tlsPort = await freePort();
  const args = ["serve", "--image", join(dir, "picture.png"), "--port", String(port), "--tls-port", String(tlsPort)];
  args.push("--cert", join(dir, "cert.pem"), "--key", join(dir, "key.pem"), "--password-file", join(dir, "password.txt"), "-v");
  const { proc, output } = await startSaffronCli(args, `spice://127.0.0.1:${port}?tls-port=${tlsPort}`);
  cli = { port, tlsPort, proc, output };
});
afterAll(async () => {
  await cli?.proc.stop(2000);
  await stopAllPeers();
});

function expectExact(name: string, actual: DecodedImage): void {
  expect({ width: actual.width, height: actual.height }).toEqual({ width: picture.width, height: picture.height });
  expectSameImage(actual, picture, { label: name, artifact: `server-tls-${name}` });
}

/** spicy-screenshot on the secure port only (-s), trusting the CA in `ca`. */
async function spicyTls(ca: string, password: string): Promise<DecodedImage> {
  const out = join(makeTempDir("spicy-tls"), "shot.ppm");
  const env = { ...process.env, SSL_CERT_FILE: ca };
  delete env.DISPLAY;
  delete env.SSL_CERT_DIR;
  await runCommand("spicy-screenshot", ["-h", "127.0.0.1", "-s", String(cli!.tlsPort), "-w", password, "-o", out], { env, timeoutMs: 30_000 });
  return readPpm(out);
}

describe("saffron serve --tls-port", () => {
  it("our Node client over spices:// and a plain client on the plain port at the same time, both exact", async () => {
    const tls = await connectSpice(`spices://127.0.0.1:${cli!.tlsPort}`, { password: PASSWORD, tls: { ca: certs.ca } });
    const plain = await connectSpice(`spice://127.0.0.1:${cli!.port}`, { password: PASSWORD });
    try {
      await Promise.all([tls.waitForIdle(300, 10_000), plain.waitForIdle(300, 10_000)]);
      expectExact("node-tls", surfaceImage(tls.primary!));
      expectExact("node-plain", surfaceImage(plain.primary!));
      expect(tls.errors).toEqual([]);
      expect(plain.errors).toEqual([]);
    } finally {
      tls.close();
      plain.close();
    }
    // The server saw both transports (its -v log names each client's transport).
    expect(cli!.output()).toMatch(/transport[^\n]*tls/);
    expect(cli!.output()).toMatch(/transport[^\n]*tcp/);
  });

  it("spicy-screenshot (spice-gtk, OpenSSL) over TLS sees the picture exactly", async () => {
    expectExact("spicy-tls", await spicyTls(caFile, PASSWORD));
  });

  it("a server certificate from an untrusted CA is refused by both clients; a wrong password over TLS too", async () => {
    const err = await connectSpice(`spices://127.0.0.1:${cli!.tlsPort}`, { password: PASSWORD, tls: { ca: readFileSync(otherCa) } }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("ERR_SPICE_TLS");
    const noCa = await connectSpice(`spices://127.0.0.1:${cli!.tlsPort}`, { password: PASSWORD }).catch((e: unknown) => e);
    expect((noCa as { code?: string }).code).toBe("ERR_SPICE_TLS");

    const spicyErr = (await spicyTls(otherCa, PASSWORD).catch((e: unknown) => e)) as { code?: string; details?: string };
    expect(spicyErr.code).toBe("ERR_PEER_EXIT");
    expect(String(spicyErr.details ?? "") + String((spicyErr as Error).message)).toMatch(/certificate verification|main channel event: 21/);

    const badPw = (await connectSpice(`spices://127.0.0.1:${cli!.tlsPort}`, { password: "nope", tls: { ca: certs.ca } }).catch((e: unknown) => e)) as { code?: string };
    expect(badPw.code).toBe("ERR_SPICE_AUTH");
    // The server is still serving after all that.
    expectExact("spicy-tls-after", await spicyTls(caFile, PASSWORD));
  });
});
