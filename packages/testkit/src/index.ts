/**
 * @saffron/testkit (private, dev-only): runs the real SPICE peers (Xspice, QEMU,
 * spicy-screenshot) for interoperability tests, and image helpers to compare their output.
 *
 * Image convention: every image is a @saffron/codecs `DecodedImage`, i.e. **BGRA** bytes
 * (B, G, R, A per pixel, top-down, stride width * 4), the SPICE surface order.
 * PNG/PPM readers and writers convert at the file boundary.
 */
export * from "./errors.js";
export * from "./with-timeout.js";
export * from "./free-port.js";
export * from "./processes.js";
export * from "./xspice.js";
export * from "./x-display.js";
export * from "./cpio.js";
export * from "./qemu.js";
export * from "./spicy-screenshot.js";
export * from "./ppm.js";
export * from "./png.js";
export * from "./image-diff.js";
export * from "./artifacts.js";
export * from "./chunking.js";
export * from "./image-search.js";
export * from "./xvfb.js";
export * from "./remote-viewer.js";
export * from "./html5-client.js";
export * from "./certificates.js";
export * from "./raw-spice.js";
export * from "./byte-relay.js";
export * from "./spice-wire-tap.js";
export * from "./process-cpu.js";
export * from "./viewer-session.js";
export * from "./xvnc.js";
export * from "./xspice-agent.js";
export * from "./chromium.js";
export * from "./serve-directory.js";
export * from "./page-canvas.js";
export * from "./same-image.js";
export * from "./saffron-cli.js";
