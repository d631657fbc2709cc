/*
 * samsa's CRC-32C (Castagnoli) for x86-64: a Node-API addon with one
 * function, crc32c(data: Uint8Array, initial: number): number.
 *
 * Contract (the same as src/protocol/records/crc32c.ts): returns the unsigned
 * CRC-32C of data continuing from `initial`, the CRC of the bytes before it
 * (0 for none). The addon exports nothing when the CPU lacks SSE4.2, and the
 * JavaScript side then uses another implementation.
 *
 * Why it exists: a record batch's CRC covers every byte of every value, and
 * with 64 KiB to 1 MiB values it is the largest single cost of producing and
 * of consuming. The SSE4.2 crc32 instruction has a latency of three cycles and
 * a throughput of one per cycle, so one running CRC uses a third of it. Here
 * three CRCs run over three adjacent blocks at once and are joined: the CRC
 * register is linear over GF(2), so the register after blocks A then B is
 * shift(register after A, |B| zero bytes) XOR (register of B started from 0),
 * and the shift by a fixed block length is four 256-entry table lookups.
 *
 * Built by native/build.mjs with the system C compiler (no Node
 * headers needed: native/napi.h declares the Node-API it uses).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if !defined(__x86_64__)
#error "samsa's native CRC-32C is written for x86-64 (the build script skips other architectures)"
#endif

#include <nmmintrin.h>

#include "napi.h"

/* ---- CRC-32C */
#define POLY 0x82f63b78u
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256

/* byte_table[b]: the register after one byte b from register 0 (reflected). */
static uint32_t byte_table[256];
/* long_shift[k][b] / short_shift[k][b]: byte k of a register, advanced over LONG_BLOCK / SHORT_BLOCK zero bytes. */
static uint32_t long_shift[4][256];
static uint32_t short_shift[4][256];

static uint32_t advance_zeros(uint32_t reg, size_t n) {
  while (n--) reg = byte_table[reg & 0xff] ^ (reg >> 8);
  return reg;
}

/* Fills shift[k][b] with the image of (b << 8k) after n zero bytes, from the images of the 32 single bits. */
static void build_shift(uint32_t shift[4][256], size_t n) {
  uint32_t bit_image[32];
  for (int i = 0; i < 32; i++) bit_image[i] = advance_zeros(1u << i, n);
  for (int k = 0; k < 4; k++) {
    for (int b = 0; b < 256; b++) {
      uint32_t v = 0;
      for (int i = 0; i < 8; i++)
        if (b & (1 << i)) v ^= bit_image[8 * k + i];
      shift[k][b] = v;
    }
  }
}

static inline uint32_t apply_shift(uint32_t shift[4][256], uint32_t reg) {
  return shift[0][reg & 0xff] ^ shift[1][(reg >> 8) & 0xff] ^ shift[2][(reg >> 16) & 0xff] ^ shift[3][reg >> 24];
}

static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/*
 * While at least three blocks remain: three CRCs over three adjacent blocks of
 * `block` bytes at once, joined into c0. Advances *p and *len past them.
 */
__attribute__((target("sse4.2"), always_inline)) static inline uint64_t three_streams(uint64_t c0, const uint8_t **p, size_t *len,
                                                                                       size_t block, uint32_t shift[4][256]) {
  const uint8_t *q = *p;
  while (*len >= 3 * block) {
    uint64_t c1 = 0, c2 = 0;
    const uint8_t *end = q + block;
    do {
      c0 = _mm_crc32_u64(c0, load64(q));
      c1 = _mm_crc32_u64(c1, load64(q + block));
      c2 = _mm_crc32_u64(c2, load64(q + 2 * block));
      q += 8;
    } while (q < end);
    c0 = apply_shift(shift, (uint32_t)c0) ^ (uint32_t)c1;
    c0 = apply_shift(shift, (uint32_t)c0) ^ (uint32_t)c2;
    q += 2 * block;
    *len -= 3 * block;
  }
  *p = q;
  return c0;
}

/* Advances the CRC register (not pre- or post-inverted) over p[0..len). */
__attribute__((target("sse4.2"))) static uint32_t crc_register(uint32_t reg, const uint8_t *p, size_t len) {
  uint64_t c0 = three_streams(reg, &p, &len, LONG_BLOCK, long_shift);
  c0 = three_streams(c0, &p, &len, SHORT_BLOCK, short_shift);
  while (len >= 8) {
    c0 = _mm_crc32_u64(c0, load64(p));
    p += 8;
    len -= 8;
  }
  uint32_t c = (uint32_t)c0;
  while (len--) c = _mm_crc32_u8(c, *p++);
  return c;
}

/* crc32c(data, initial): see the contract at the top. */
static napi_value js_crc32c(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!samsa_args(env, info, argv, 2, 1, "crc32c(data, initial): data (a Uint8Array) is required")) return NULL;
  uint8_t *data = NULL;
  size_t length = 0;
  if (!samsa_bytes(env, argv[0], &data, &length, "crc32c(data, initial): data must be a Uint8Array or Buffer")) return NULL;
  uint32_t initial = 0;
  int type = 0;
  if (napi_typeof(env, argv[1], &type) == 0 && type != 0 && napi_get_value_uint32(env, argv[1], &initial) != 0) {
    napi_throw_type_error(env, NULL, "crc32c(data, initial): initial must be a number (a CRC-32C, 0 for none)");
    return NULL;
  }
  uint32_t crc = length == 0 ? initial : ~crc_register(~initial, (const uint8_t *)data, length);
  napi_value result;
  if (napi_create_uint32(env, crc, &result) != 0) return NULL;
  return result;
}

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  if (!__builtin_cpu_supports("sse4.2")) return exports;
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
    byte_table[n] = c;
  }
  build_shift(long_shift, LONG_BLOCK);
  build_shift(short_shift, SHORT_BLOCK);
  napi_value fn;
  if (napi_create_function(env, "crc32c", 6, js_crc32c, NULL, &fn) != 0) return exports;
  napi_set_named_property(env, exports, "crc32c", fn);
  return exports;
}
