/**
 * The C reference encoders' figures, copied (data only) from /work/shared/spice/codec-baselines.md,
 * "Results: C reference (spice-common / spice-server)": spice-common quic.c / lz.c (commit 8801d1b),
 * spice-server glz-encoder.c (commit 52f716e) and liblz4 1.9.4 with spice-server's framing, gcc -O2,
 * median of 7 runs on the project machine (2 vCPU, ±25% noise). Encode speed in megapixels/s;
 * bytes are the compressed size (for QUIC, LZ, GLZ and LZ4 the same as the vector files).
 */
export interface CReference {
  mpps: number;
  bytes: number;
}

export type EncoderCodec = "quic" | "lz" | "glz" | "glz-repeat" | "lz4";

/** By codec, then by image name (the vector's NAME_WxH). */
export const C_ENCODE_REFERENCE: Record<EncoderCodec, Record<string, CReference>> = {
  quic: {
    term_1280x800: { mpps: 489, bytes: 254_828 },
    ui_1280x800: { mpps: 454, bytes: 154_552 },
    photo_1280x800: { mpps: 87, bytes: 2_015_348 },
    mixed_1920x1080: { mpps: 229, bytes: 1_007_448 },
    uitile_256x256: { mpps: 269, bytes: 21_480 },
  },
  lz: {
    term_1280x800: { mpps: 755, bytes: 61_631 },
    ui_1280x800: { mpps: 874, bytes: 64_954 },
    photo_1280x800: { mpps: 144, bytes: 3_104_028 },
    mixed_1920x1080: { mpps: 367, bytes: 1_135_403 },
    uitile_256x256: { mpps: 539, bytes: 15_842 },
  },
  glz: {
    term_1280x800: { mpps: 811, bytes: 48_138 },
    ui_1280x800: { mpps: 880, bytes: 55_697 },
    photo_1280x800: { mpps: 47, bytes: 3_104_033 },
    mixed_1920x1080: { mpps: 227, bytes: 1_135_564 },
    uitile_256x256: { mpps: 396, bytes: 16_570 },
  },
  /** The same image encoded a second time into the dictionary that holds it. */
  "glz-repeat": {
    term_1280x800: { mpps: 1215, bytes: 4_678 },
    ui_1280x800: { mpps: 1270, bytes: 4_069 },
    photo_1280x800: { mpps: 1178, bytes: 4_075 },
    mixed_1920x1080: { mpps: 1109, bytes: 8_207 },
    uitile_256x256: { mpps: 1386, bytes: 310 },
  },
  lz4: {
    term_1280x800: { mpps: 1226, bytes: 141_475 },
    ui_1280x800: { mpps: 1642, bytes: 91_984 },
    photo_1280x800: { mpps: 2547, bytes: 4_112_069 },
    mixed_1920x1080: { mpps: 671, bytes: 1_532_760 },
    uitile_256x256: { mpps: 693, bytes: 19_394 },
  },
};

/** C memcpy of a 64 MiB buffer on the same machine: 7.30 GB/s (same document, "Physical limits"). */
export const C_MEMCPY_GBPS = 7.3;

/** Targets of the issue: encode speed at least half the C reference's, size within 5% of its. */
export const SPEED_TARGET = 0.5;
export const SIZE_TOLERANCE = 0.05;
