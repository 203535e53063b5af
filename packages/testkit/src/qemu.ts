import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildCpio, type CpioEntry } from "./cpio.js";
import { TestkitError } from "./errors.js";
import { canConnect, freePort } from "./free-port.js";
import { isAlive, makeTempDir, removeTempDir, spawnTracked, tailFile, type TrackedProcess } from "./processes.js";
import { sleep } from "./with-timeout.js";

export type QemuVga = "qxl" | "virtio" | "std";

export interface QemuOptions {
  /** SPICE TCP port on 127.0.0.1 (default: a free port). */
  port?: number;
  vga: QemuVga;
  /** SPICE ticket; omitted = ticketing disabled. */
  password?: string;
  /**
   * Load the guest DRM driver (qxl / virtio-gpu / bochs) so the console becomes a graphical
   * fbcon drawn with real QXL / virtio-gpu commands (qxl 1024x768, virtio 1280x800).
   * Default false: VGA text mode 720x400, which QEMU sends as plain images.
   */
  drm?: boolean;
  /** With drm: fill the top of /dev/fb0 with random bytes (an incompressible region). */
  fbNoise?: boolean;
  imageCompression?: "off" | "auto_glz" | "auto_lz" | "quic" | "glz" | "lz";
  /**
   * Also listen with TLS: a tls-port with the certificates of `x509Dir` (ca-cert.pem,
   * server-cert.pem, server-key.pem; see makeTestCertificates). With `tlsOnly`, every
   * channel must use TLS (QEMU's tls-channel=default).
   */
  tls?: { port?: number; x509Dir: string; tlsOnly?: boolean };
  /**
   * A sound card (intel-hda + hda-duplex) on QEMU's spice audio backend: the server then offers
   * PLAYBACK and RECORD channels (the guest has no sound driver, so no START is ever sent).
   */
  audio?: boolean;
  /** Guest RAM in MiB (default 256). */
  memoryMb?: number;
  /** Kernel image (default: the newest /boot/vmlinuz-*). */
  kernel?: string;
  /** Time allowed until the guest reports ready on its serial port (default 120 s; TCG boots in ~6 s). */
  timeoutMs?: number;
}

export interface QemuServer {
  port: number;
  /** The TLS port, when started with `tls`. */
  tlsPort?: number;
  pid: number;
  /** Guest serial output (contains GUEST_READY_LINE once up). */
  serialLog: string;
  runDir: string;
  process: TrackedProcess;
  /** Kills QEMU (SIGTERM, then SIGKILL), reaps it and removes the run dir. */
  stop(): Promise<void>;
}

/** What the guest writes to ttyS0 once its screen content is in place. */
export const GUEST_READY_LINE = "SAFFRON-GUEST-READY";
/** First line the guest prints on its screen (tty0). */
export const GUEST_BANNER = "=== SAFFRON SPICE TEST GUEST ===";

/** Guest kernel modules per display device, in load order (paths under kernel/drivers/). */
const DRM_MODULES: Record<QemuVga, string[]> = {
  qxl: ["gpu/drm/drm.ko", "gpu/drm/drm_kms_helper.ko", "gpu/drm/ttm/ttm.ko", "gpu/drm/drm_ttm_helper.ko", "gpu/drm/qxl/qxl.ko"],
  virtio: [
    "virtio/virtio_ring.ko", "virtio/virtio.ko", "virtio/virtio_pci_modern_dev.ko", "virtio/virtio_pci_legacy_dev.ko",
    "virtio/virtio_pci.ko", "gpu/drm/drm.ko", "gpu/drm/drm_kms_helper.ko", "gpu/drm/drm_shmem_helper.ko",
    "virtio/virtio_dma_buf.ko", "gpu/drm/virtio/virtio-gpu.ko",
  ],
  std: ["gpu/drm/drm.ko", "gpu/drm/drm_kms_helper.ko", "gpu/drm/ttm/ttm.ko", "gpu/drm/drm_ttm_helper.ko", "gpu/drm/drm_vram_helper.ko", "gpu/drm/tiny/bochs.ko"],
};

// PID 1 of the guest. Writes the banner to the screen, then the ready line to the serial port.
const GUEST_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
while read -r mod; do [ -n "$mod" ] && insmod "$mod"; done < /modules.list
[ -s /modules.list ] && sleep 1
clear > /dev/tty0
if [ -e /fbnoise ] && [ -e /dev/fb0 ]; then sleep 1; head -c 3145728 /dev/urandom > /dev/fb0; fi
echo "${GUEST_BANNER}" > /dev/tty0
echo "busybox initramfs on $(uname -r)" > /dev/tty0
echo "${GUEST_READY_LINE}" > /dev/ttyS0
while :; do sleep 3600; done
`;

/** The newest Debian kernel in /boot. */
export function defaultKernel(): string {
  const kernels = existsSync("/boot") ? readdirSync("/boot").filter((f) => f.startsWith("vmlinuz-")) : [];
  kernels.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const last = kernels.at(-1);
  if (!last) throw new TestkitError("ERR_PEER_MISSING", "no /boot/vmlinuz-* (install linux-image-amd64)");
  return join("/boot", last);
}

/** Directory for cached guest images: $SAFFRON_TESTKIT_CACHE or <tmp>/saffron-testkit-cache. */
export function cacheDir(): string {
  return process.env.SAFFRON_TESTKIT_CACHE ?? join(tmpdir(), "saffron-testkit-cache");
}

/**
 * Builds (or reuses from the cache) the gzipped busybox initramfs for `kernel`. The cache
 * key covers the kernel version, the module set, the init script and the busybox binary.
 */
export function buildGuestInitramfs(options: { kernel?: string; vga?: QemuVga; drm?: boolean; fbNoise?: boolean } = {}): string {
  const kernel = options.kernel ?? defaultKernel();
  const kver = basename(kernel).replace(/^vmlinuz-/, "");
  const busybox = ["/bin/busybox", "/usr/bin/busybox"].find(existsSync);
  if (!busybox) throw new TestkitError("ERR_PEER_MISSING", "busybox not found (install busybox-static)");
  const modules = options.drm ? DRM_MODULES[options.vga ?? "qxl"] : [];
  const bb = statSync(busybox);
  const key = createHash("sha256")
    .update(JSON.stringify({ kver, modules, fbNoise: !!options.fbNoise, init: GUEST_INIT, bb: [bb.size, bb.mtimeMs] }))
    .digest("hex")
    .slice(0, 16);
  const out = join(cacheDir(), `initramfs-${kver}-${key}.cpio.gz`);
  if (existsSync(out)) return out;

  const entries: CpioEntry[] = [
    { kind: "dir", path: "bin" }, { kind: "dir", path: "dev" }, { kind: "dir", path: "proc" },
    { kind: "dir", path: "sys" }, { kind: "dir", path: "mod" },
    // The kernel opens /dev/console for init before devtmpfs is mounted.
    { kind: "char", path: "dev/console", major: 5, minor: 1 },
    { kind: "file", path: "bin/busybox", data: readFileSync(busybox), mode: 0o755 },
    { kind: "file", path: "init", data: new TextEncoder().encode(GUEST_INIT), mode: 0o755 },
  ];
  const list: string[] = [];
  for (const m of modules) {
    const src = join("/lib/modules", kver, "kernel/drivers", m);
    if (!existsSync(src)) throw new TestkitError("ERR_PEER_MISSING", `kernel module ${src} not found`);
    entries.push({ kind: "file", path: `mod/${basename(m)}`, data: readFileSync(src) });
    list.push(`/mod/${basename(m)}`);
  }
  entries.push({ kind: "file", path: "modules.list", data: new TextEncoder().encode(list.map((l) => `${l}\n`).join("")) });
  if (options.fbNoise) entries.push({ kind: "file", path: "fbnoise", data: new Uint8Array(0) });

  mkdirSync(cacheDir(), { recursive: true });
  const partial = `${out}.${process.pid}.partial`;
  writeFileSync(partial, gzipSync(buildCpio(entries), { level: 6 }));
  renameSync(partial, out); // atomic: concurrent builders never see half a file
  return out;
}

/**
 * Starts a real QEMU SPICE server (TCG, no network device) booting the Debian kernel with
 * a busybox initramfs whose screen shows GUEST_BANNER, and resolves once the guest writes
 * GUEST_READY_LINE to its serial port (~6 s on 2 cores; ~7-9 s with drm).
 */
export async function startQemu(options: QemuOptions): Promise<QemuServer> {
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await startOnce(options);
    } catch (err) {
      lastError = err;
      // Retry only a lost port race (QEMU reports it before the guest boots).
      if (!(err instanceof TestkitError) || err.code !== "ERR_PEER_START" || !/Address already in use|bind/i.test(err.message)) throw err;
    }
  }
  throw lastError;
}

async function startOnce(options: QemuOptions): Promise<QemuServer> {
  const kernel = options.kernel ?? defaultKernel();
  const initrd = buildGuestInitramfs({ kernel, vga: options.vga, drm: options.drm, fbNoise: options.fbNoise });
  const port = options.port ?? (await freePort());
  const runDir = makeTempDir("qemu");
  const serialLog = join(runDir, "serial.log");
  const qemuLog = join(runDir, "qemu.log");
  writeFileSync(serialLog, "");

  let spice = `port=${port},addr=127.0.0.1`;
  spice += options.password ? `,password=${options.password.replace(/,/g, ",,")}` : ",disable-ticketing=on";
  if (options.imageCompression) spice += `,image-compression=${options.imageCompression}`;
  let tlsPort: number | undefined;
  if (options.tls) {
    tlsPort = options.tls.port ?? (await freePort());
    spice += `,tls-port=${tlsPort},x509-dir=${options.tls.x509Dir}`;
    if (options.tls.tlsOnly) spice += ",tls-channel=default";
  }
  const vga = options.vga === "virtio" ? ["-vga", "none", "-device", "virtio-vga"] : ["-vga", options.vga];
  const audio = options.audio ? ["-audiodev", "spice,id=a0", "-device", "intel-hda", "-device", "hda-duplex,audiodev=a0"] : [];

  const fd = openSync(qemuLog, "w");
  let proc: TrackedProcess;
  try {
    proc = spawnTracked(
      "qemu-system-x86_64",
      [
        "-machine", "pc,accel=tcg", "-m", String(options.memoryMb ?? 256), "-smp", "1",
        // -nodefaults/-nic none: no NIC (and no iPXE ROM); the guest stays offline.
        "-nodefaults", "-no-user-config", "-nic", "none", ...vga, ...audio,
        "-spice", spice, "-display", "none", "-monitor", "none",
        "-serial", `file:${serialLog}`, "-no-reboot",
        "-kernel", kernel, "-initrd", initrd, "-append", "console=tty0 console=ttyS0 loglevel=3",
      ],
      { stdio: ["ignore", fd, fd] },
    );
  } finally {
    closeSync(fd);
  }
  const stop = async (): Promise<void> => {
    await proc.stop(3000);
    removeTempDir(runDir);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  try {
    for (;;) {
      if (proc.exitInfo || !isAlive(proc.pid)) {
        throw new TestkitError("ERR_PEER_START", `qemu exited during start-up: ${tailFile(qemuLog, 5)}`, {
          details: `${tailFile(qemuLog)}\n--- serial ---\n${tailFile(serialLog)}`,
        });
      }
      if (readFileSync(serialLog, "latin1").includes(GUEST_READY_LINE) && (await canConnect(port))) break;
      if (Date.now() > deadline) {
        throw new TestkitError("ERR_PEER_START", "qemu guest did not report ready in time", {
          details: `${tailFile(qemuLog)}\n--- serial ---\n${tailFile(serialLog)}`,
        });
      }
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, tlsPort, pid: proc.pid, serialLog, runDir, process: proc, stop };
}
