/** Link-stage byte fixtures, laid out from protocol-map §2.1/§2.2 (values seen on the wire, §14). */

export const hex = (s: string): Uint8Array => Uint8Array.from((s.replace(/\s+/g, "").match(/../g) ?? []).map((b) => parseInt(b, 16)));
export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** An RSA-1024 SPKI as spice-server sends it: fixed prefix, 128-byte modulus, e = 65537. */
export const SPKI = hex("30819f300d06092a864886f70d010101050003818d0030818902818100" + "c3".repeat(128) + "0203010001");

/** spice-gtk → main: size 26, common 0x0D, main channel caps 0x0F. */
export const GTK_MAIN_MESS = hex(`
  52454451 02000000 02000000 1a000000
  00000000 01 00 01000000 01000000 12000000
  0d000000 0f000000`);

/** spice-gtk → cursor of session 0xB6EB0AB6: size 22, no channel caps. */
export const GTK_CURSOR_MESS = hex(`
  52454451 02000000 02000000 16000000
  b60aebb6 04 00 01000000 00000000 12000000
  0d000000`);

/** spice-gtk → display 0: common 0x0D, display caps 0x3BF. */
export const GTK_DISPLAY_MESS = hex(`
  52454451 02000000 02000000 1a000000
  b60aebb6 02 00 01000000 01000000 12000000
  0d000000 bf030000`);

/** spice-server → display: size 186, common 0x0B, display caps 0x1052, caps_offset 178. */
export const SERVER_DISPLAY_REPLY = hex(`
  52454451 02000000 02000000 ba000000
  00000000 ${toHex(SPKI)} 01000000 01000000 b2000000
  0b000000 52100000`);
