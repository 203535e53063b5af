/*
 * saffron-c-encoders: times the reference C image encoders of spice (QUIC and LZ from
 * spice-common, GLZ and the LZ4 framing from spice-server, liblz4) on one raw image, the way
 * `saffron bench encoders` times Saffron's, so that both are measured in the same run.
 *
 * This file is Saffron's own. It calls the encoders' public entry points only; their sources are
 * fetched from Debian's archive and built at benchmark time (packages/cli/src/bench/c-reference.ts),
 * never stored in this repository.
 *
 * usage: saffron-c-encoders CODEC IMAGE.bgrx WIDTH HEIGHT [--out FILE] [--iterations N]
 *   CODEC: quic | lz | glz | glz-repeat | lz4
 *   IMAGE.bgrx: raw B,G,R,X bytes, top-down rows, stride WIDTH*4
 *   --out FILE: write the stream of the first encode there
 * prints one JSON line: {"codec":..,"bytes":..,"medianMs":..,"runs":..}
 *
 * Timing, as measureSpeed() in timing.ts: at least 3 warm-up calls and 0.1 s, then single calls
 * until at least 5 samples and 0.5 s (or exactly N with --iterations N, after 3 warm-up calls);
 * the median. GLZ gets a fresh 16 Mpixel dictionary and
 * encoder per call, created outside the timed region; GLZ-repeat times the second encode of the
 * image into the dictionary that holds it; QUIC and LZ reuse one context; LZ4 creates and frees
 * its stream inside the call, as spice-server's lz4_encode does.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lz4.h>
#include <common/quic.h>
#include <common/lz.h>
#include "glz-encoder.h"
#include "glz-encoder-dict.h"

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "saffron-c-encoders: ");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

/* Callbacks: errors abort, messages are dropped; output buffers are large enough that the
 * encoders never ask for more space or more lines. */
#define USR_CALLBACKS(Ctx)                                                                   \
  __attribute__((noreturn)) static void Ctx##_error(Ctx *u, const char *fmt, ...) { (void)u; (void)fmt; die("encoder error"); } \
  static void Ctx##_note(Ctx *u, const char *fmt, ...) { (void)u; (void)fmt; }                      \
  static void *Ctx##_malloc(Ctx *u, int size) { (void)u; return malloc((size_t)size); }             \
  static void Ctx##_free(Ctx *u, void *p) { (void)u; free(p); }                                      \
  static int Ctx##_more_lines(Ctx *u, uint8_t **lines) { (void)u; (void)lines; return 0; }

USR_CALLBACKS(QuicUsrContext)
USR_CALLBACKS(LzUsrContext)
USR_CALLBACKS(GlzEncoderUsrContext)

static int quic_more_space(QuicUsrContext *u, uint32_t **io, int rows) { (void)u; (void)io; (void)rows; return 0; }
static int lz_more_space(LzUsrContext *u, uint8_t **io) { (void)u; (void)io; return 0; }
static int glz_more_space(GlzEncoderUsrContext *u, uint8_t **io) { (void)u; (void)io; return 0; }
static void glz_free_image(GlzEncoderUsrContext *u, GlzUsrImageContext *img) { (void)u; (void)img; }

static QuicUsrContext quic_usr = {
    QuicUsrContext_error, QuicUsrContext_note, QuicUsrContext_note,
    QuicUsrContext_malloc, QuicUsrContext_free, quic_more_space, QuicUsrContext_more_lines};
static LzUsrContext lz_usr = {
    LzUsrContext_error, LzUsrContext_note, LzUsrContext_note,
    LzUsrContext_malloc, LzUsrContext_free, lz_more_space, LzUsrContext_more_lines};
static GlzEncoderUsrContext glz_usr = {
    GlzEncoderUsrContext_error, GlzEncoderUsrContext_note, GlzEncoderUsrContext_note,
    GlzEncoderUsrContext_malloc, GlzEncoderUsrContext_free, GlzEncoderUsrContext_more_lines,
    glz_more_space, glz_free_image};

static int width, height, stride;
static uint8_t *image, *out;
static size_t out_cap;
static QuicContext *quic;
static LzContext *lz;
static GlzEncDictContext *dict;
static GlzEncoderContext *glz;

/* spice-server's GLZ dictionary for one client: 16 Mpixels, one encoder. */
#define GLZ_DICT_PIXELS (16u << 20)

static void glz_fresh(void) {
  if (glz) glz_encoder_destroy(glz);
  if (dict) glz_enc_dictionary_destroy(dict, &glz_usr);
  dict = glz_enc_dictionary_create(GLZ_DICT_PIXELS, 1, &glz_usr);
  glz = glz_encoder_create(0, dict, &glz_usr);
  if (!dict || !glz) die("cannot create a GLZ dictionary");
}

static int glz_once(void) {
  GlzEncDictImageContext *ctx;
  return glz_encode(glz, LZ_IMAGE_TYPE_RGB32, width, height, 1, image, (unsigned)height, stride, out, (unsigned)out_cap, NULL, &ctx);
}

static int lz4_once(void) {
  LZ4_stream_t *s = LZ4_createStream();
  int in = stride * height;
  out[0] = 1; /* top-down */
  out[1] = LZ_IMAGE_TYPE_RGB32;
  int n = LZ4_compress_fast_continue(s, (const char *)image, (char *)out + 6, in, (int)out_cap - 6, 1);
  LZ4_freeStream(s);
  if (n <= 0) die("LZ4 compression failed");
  out[2] = (uint8_t)(n >> 24), out[3] = (uint8_t)(n >> 16), out[4] = (uint8_t)(n >> 8), out[5] = (uint8_t)n;
  return n + 6;
}

enum codec { QUIC, LZ, GLZ, GLZ_REPEAT, LZ4 };

static void setup(enum codec c) {
  if (c == GLZ) glz_fresh();
  if (c == GLZ_REPEAT) {
    glz_fresh();
    glz_once();
  }
}

static int encode(enum codec c) {
  switch (c) {
    case QUIC: return 4 * quic_encode(quic, QUIC_IMAGE_TYPE_RGB32, width, height, image, (unsigned)height, stride, (uint32_t *)out, (unsigned)(out_cap / 4));
    case LZ: return lz_encode(lz, LZ_IMAGE_TYPE_RGB32, width, height, 1, image, (unsigned)height, stride, out, (unsigned)out_cap);
    case GLZ:
    case GLZ_REPEAT: return glz_once();
    case LZ4: return lz4_once();
  }
  return 0;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 5) die("usage: saffron-c-encoders quic|lz|glz|glz-repeat|lz4 IMAGE.bgrx WIDTH HEIGHT [--out FILE] [--iterations N]");
  const char *out_file = NULL;
  int iterations = 0;
  for (int i = 5; i < argc; i++) {
    if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out_file = argv[++i];
    else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0 && atoi(argv[i + 1]) <= 100000) iterations = atoi(argv[++i]);
    else die("bad argument %s", argv[i]);
  }
  const char *names[] = {"quic", "lz", "glz", "glz-repeat", "lz4"};
  int c = -1;
  for (int i = 0; i < 5; i++)
    if (strcmp(argv[1], names[i]) == 0) c = i;
  if (c < 0) die("unknown codec %s", argv[1]);
  width = atoi(argv[3]), height = atoi(argv[4]), stride = width * 4;
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384) die("bad size %sx%s", argv[3], argv[4]);
  size_t bytes = (size_t)stride * (size_t)height;
  image = malloc(bytes);
  out_cap = 2 * bytes + 65536;
  out = malloc(out_cap);
  if (!image || !out) die("out of memory");
  FILE *f = fopen(argv[2], "rb");
  if (!f || fread(image, 1, bytes, f) != bytes) die("cannot read %zu bytes from %s", bytes, argv[2]);
  fclose(f);
  quic = quic_create(&quic_usr);
  lz = lz_create(&lz_usr);

  setup(c);
  int size = encode(c);
  if (size <= 0) die("encode failed");
  if (out_file) {
    FILE *o = fopen(out_file, "wb");
    if (!o || fwrite(out, 1, (size_t)size, o) != (size_t)size) die("cannot write %s", out_file);
    fclose(o);
  }

  double warm = now_ns();
  for (int k = 0; k < 3 || (!iterations && now_ns() - warm < 0.1e9); k++) setup(c), encode(c);
  static double samples[100000];
  int n = 0;
  double start = now_ns();
  while (iterations ? n < iterations : n < 5 || (now_ns() - start < 0.5e9 && n < 100000)) {
    setup(c);
    double t0 = now_ns();
    encode(c);
    samples[n++] = now_ns() - t0;
  }
  qsort(samples, (size_t)n, sizeof samples[0], cmp);
  double med = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  printf("{\"codec\":\"%s\",\"bytes\":%d,\"medianMs\":%.4f,\"runs\":%d}\n", names[c], size, med / 1e6, n);
  return 0;
}
