// TLS: QEMU with a tls-port and our throw-away CA. The client connects over TLS directly
// (spices://), and via spice://host?port=P&tls-port=T when QEMU requires TLS on every channel
// (the plain link is refused with NEED_SECURED and the client re-links on the TLS port, as
// spice-gtk does). A certificate from an unknown CA is refused with a clear error.
import { connectSpice } from "@saffron/client/node";
import { makeTestCertificates, startQemu, stopAllPeers, type QemuServer, type TestCertificates } from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

afterAll(stopAllPeers);

describe("client over TLS (QEMU tls-port)", () => {
  let certs: TestCertificates;
  let qemu: QemuServer;

  beforeAll(async () => {
    certs = makeTestCertificates();
    qemu = await startQemu({ vga: "qxl", password: "tls-pw", tls: { x509Dir: certs.dir, tlsOnly: true } });
  });
  afterAll(() => qemu?.stop());

  it("renders the guest over spices://", async () => {
    const session = await connectSpice(`spices://127.0.0.1:${qemu.tlsPort}`, { password: "tls-pw", tls: { ca: certs.ca, servername: "localhost" } });
    try {
      await session.waitForIdle(300, 4_000);
      expect(session.primary?.width).toBe(720);
      expect(session.errors).toEqual([]);
    } finally {
      session.close();
    }
  });

  it("re-links channels on the TLS port when the server requires it", async () => {
    const session = await connectSpice(`spice://127.0.0.1:${qemu.port}?tls-port=${qemu.tlsPort}`, {
      password: "tls-pw",
      tls: { ca: certs.ca, servername: "localhost" },
    });
    try {
      await session.waitForIdle(300, 4_000);
      expect(session.primary?.height).toBe(400);
    } finally {
      session.close();
    }
  });

  it("refuses a certificate from an unknown CA", async () => {
    const err = await connectSpice(`spices://127.0.0.1:${qemu.tlsPort}`, { password: "tls-pw" }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("ERR_SPICE_TLS");
  });
});
