/**
 * A writer for the "newc" cpio format, the one the Linux kernel unpacks as initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): per entry a 110-byte ASCII
 * header ("070701" + 13 eight-digit hex fields), the NUL-terminated name padded to 4 bytes,
 * then the data padded to 4 bytes; the archive ends with an entry named "TRAILER!!!".
 * Writing device nodes needs no privileges, unlike mknod.
 */
export type CpioEntry =
  | { kind: "dir"; path: string; mode?: number }
  | { kind: "file"; path: string; data: Uint8Array; mode?: number }
  | { kind: "char"; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

const pad4 = (n: number): number => (4 - (n % 4)) % 4;
const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");

/** Builds an uncompressed newc archive. Paths are relative to the archive root ("bin/busybox"). */
export function buildCpio(entries: readonly CpioEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const enc = new TextEncoder();
  let ino = 1;
  const push = (name: string, mode: number, data: Uint8Array, rdevMajor = 0, rdevMinor = 0, nlink = 1): void => {
    const nameBytes = enc.encode(`${name}\0`);
    const fields = [ino++, mode, 0, 0, nlink, 0, data.length, 0, 0, rdevMajor, rdevMinor, nameBytes.length, 0];
    const header = enc.encode(`070701${fields.map(hex8).join("")}`);
    chunks.push(header, nameBytes, new Uint8Array(pad4(header.length + nameBytes.length)), data, new Uint8Array(pad4(data.length)));
  };
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, "");
    if (e.kind === "dir") push(path, S_IFDIR | (e.mode ?? 0o755), new Uint8Array(0), 0, 0, 2);
    else if (e.kind === "file") push(path, S_IFREG | (e.mode ?? 0o644), e.data);
    else push(path, S_IFCHR | (e.mode ?? 0o600), new Uint8Array(0), e.major, e.minor);
  }
  push("TRAILER!!!", 0, new Uint8Array(0), 0, 0, 1);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
