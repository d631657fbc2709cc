/*
 * samsa's Snappy block codec: a Node-API addon with two functions.
 *
 *   snappyDecodeBlock(src: Uint8Array, dst: Uint8Array, pos: number): number
 *
 * Contract: decodes the raw Snappy block `src` (its length preamble, then
 * literals and back-references) into `dst` from index `pos`, and returns
 * the index after the last byte decoded, which is `pos` plus the length the
 * preamble declares: a block that decodes to anything else is refused. A
 * back-reference reaches only into this block's own output (Snappy blocks
 * are independent). Nothing is written at or past `dst.length`, and nothing
 * is read outside `src`; bytes of `dst` after the returned index may have
 * been written (copy.h). Input that breaks these rules returns a negative
 * code instead: -1 the preamble is malformed, -2 the declared length does
 * not fit in `dst`, -3 a literal runs past the input, -4 an element is
 * truncated, -5 a copy's offset is 0 or reaches before the block, -6 the
 * block decodes to more than it declares, -7 to less. Bad arguments throw a
 * TypeError. The caller (src/protocol/records/compression/snappy.ts) walks
 * the xerial framing Kafka's producers write, sizes `dst` from the blocks'
 * preambles and turns codes into errors.
 *
 *   snappyEncodeBlock(src: Uint8Array, dst: Uint8Array, pos: number, end: number): number
 *
 * Contract: compresses `src` (at most 64 KiB) into one raw Snappy block
 * (its length preamble, then literals and copies) written to `dst` between
 * `pos` and `end`, and returns the number of bytes written, or 0 when the
 * block does not fit before `end` (at most 32 + n + n / 6 bytes for n of
 * input always fits). Nothing is written outside [pos, end). Bad
 * arguments throw a TypeError.
 *
 * Why it exists: the snappy package decodes each 32 KiB block into a buffer
 * of its own, which were then joined; here the blocks of a batch decode
 * straight into one buffer of the exact size. Its encoder returns a new
 * buffer per block, which were then copied into the stream; here each
 * block is written in place (match.h finds the matches).
 *
 * Built by native/build.mjs with the system C compiler (no Node headers:
 * native/napi.h declares the Node-API it uses).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "copy.h"
#include "match.h"
#include "napi.h"

/* The preamble: the decoded length as a varint of at most 5 bytes (32 bits). */
static int read_preamble(const uint8_t **ip, const uint8_t *end, size_t *len) {
  const uint8_t *p = *ip;
  uint64_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p == end) return 0;
    const uint8_t b = *p++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      if (v > UINT32_MAX) return 0;
      *len = (size_t)v;
      *ip = p;
      return 1;
    }
  }
  return 0;
}

static int64_t decode_block(const uint8_t *src, size_t src_len, uint8_t *dst, size_t pos, size_t cap) {
  const uint8_t *ip = src;
  const uint8_t *const end = src + src_len;
  size_t declared = 0;
  if (!read_preamble(&ip, end, &declared)) return -1;
  if (declared > cap - pos) return -2;
  uint8_t *op = dst + pos;
  uint8_t *const low = op;
  uint8_t *const stop = op + declared; /* nothing decodes past the declared length */
  uint8_t *const oend = dst + cap;      /* room for the copies' spare bytes */
  while (ip < end) {
    const unsigned tag = *ip++;
    size_t len;
    if ((tag & 3) == 0) {
      len = (tag >> 2) + 1;
      if (len <= 16 && end - ip >= 16 && oend - op >= 16) {
        if (len > (size_t)(stop - op)) return -6;
        copy16(op, ip);
      } else {
        if (len > 60) {
          const size_t n = len - 60; /* 1 to 4 bytes of length - 1 follow */
          if ((size_t)(end - ip) < n) return -4;
          len = 0;
          for (size_t i = 0; i < n; i++) len |= (size_t)ip[i] << (8 * i);
          len += 1;
          ip += n;
        }
        if (len > (size_t)(end - ip)) return -3;
        if (len > (size_t)(stop - op)) return -6;
        memcpy(op, ip, len);
      }
      op += len;
      ip += len;
      continue;
    }
    size_t offset;
    if ((tag & 3) == 1) {
      if (ip == end) return -4;
      len = ((tag >> 2) & 7) + 4;
      offset = ((size_t)(tag >> 5) << 8) | *ip++;
    } else if ((tag & 3) == 2) {
      if (end - ip < 2) return -4;
      len = (tag >> 2) + 1;
      offset = (size_t)ip[0] | ((size_t)ip[1] << 8);
      ip += 2;
    } else {
      if (end - ip < 4) return -4;
      len = (tag >> 2) + 1;
      offset = (size_t)ip[0] | ((size_t)ip[1] << 8) | ((size_t)ip[2] << 16) | ((size_t)ip[3] << 24);
      ip += 4;
    }
    if (offset == 0 || offset > (size_t)(op - low)) return -5;
    if (len > (size_t)(stop - op)) return -6;
    op = copy_match(op, offset, len, oend);
  }
  if (op != stop) return -7;
  return (int64_t)(op - dst);
}

/* snappyDecodeBlock(src, dst, pos): see the contract at the top. */
static napi_value js_decode_block(napi_env env, napi_callback_info info) {
  const char *usage = "snappyDecodeBlock(src, dst, pos): src and dst (Uint8Arrays or Buffers) and pos <= dst.length, a whole number, are required";
  uint8_t *src = NULL, *dst = NULL;
  size_t src_len = 0, dst_len = 0;
  uint32_t pos = 0;
  if (!samsa_decode_args(env, info, usage, &src, &src_len, &dst, &dst_len, &pos)) return NULL;
  return samsa_int32(env, (int32_t)decode_block(src, src_len, dst, pos, dst_len));
}

/* ---- Snappy block encoder: elements for match.h's greedy matches */

#define MAX_BLOCK 65536

/* A literal element of n >= 1 bytes: its tag (the length in it below 61, else in 1 or 2 bytes after it), then the bytes. */
static uint8_t *write_literal(uint8_t *op, const uint8_t *oend, const uint8_t *literals, size_t n) {
  const size_t m = n - 1;
  const size_t need = 1 + (m < 60 ? 0 : m < 256 ? 1 : 2) + n;
  if (need > (size_t)(oend - op)) return NULL;
  if (m < 60) {
    *op++ = (uint8_t)(m << 2);
  } else if (m < 256) {
    *op++ = 60 << 2;
    *op++ = (uint8_t)m;
  } else { /* blocks are at most 64 KiB, so two bytes hold any length */
    *op++ = 61 << 2;
    *op++ = (uint8_t)m;
    *op++ = (uint8_t)(m >> 8);
  }
  memcpy(op, literals, n);
  return op + n;
}

/*
 * Copy elements for a match of `len` bytes `offset` back (offset < 65536):
 * 64 bytes each while at least 68 are left, then 60 when more than 64 are
 * (so the last copy has at least 4), then the rest: in 2 bytes when it is
 * 4 to 11 bytes at an offset below 2,048, else in 3.
 */
static uint8_t *write_copies(uint8_t *op, const uint8_t *oend, size_t offset, size_t len) {
  if (3 * (len / 60 + 2) > (size_t)(oend - op)) return NULL;
  while (len >= 68) {
    *op++ = (63 << 2) | 2;
    *op++ = (uint8_t)offset;
    *op++ = (uint8_t)(offset >> 8);
    len -= 64;
  }
  if (len > 64) {
    *op++ = (59 << 2) | 2;
    *op++ = (uint8_t)offset;
    *op++ = (uint8_t)(offset >> 8);
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    *op++ = (uint8_t)(((offset >> 8) << 5) | ((len - 4) << 2) | 1);
    *op++ = (uint8_t)offset;
  } else {
    *op++ = (uint8_t)(((len - 1) << 2) | 2);
    *op++ = (uint8_t)offset;
    *op++ = (uint8_t)(offset >> 8);
  }
  return op;
}

/* match.h's writer for Snappy: the literals (when any), then the copies. */
static uint8_t *write_elements(uint8_t *op, const uint8_t *oend, const uint8_t *literals, size_t lit, size_t offset,
                               size_t match) {
  if (lit > 0 && (op = write_literal(op, oend, literals, lit)) == NULL) return NULL;
  return match == 0 ? op : write_copies(op, oend, offset, match);
}

/* Compresses src[0, len) (len <= MAX_BLOCK) into dst[0, cap); returns the bytes written, or 0 when they would not fit. */
static size_t encode_block(const uint8_t *src, size_t len, uint8_t *dst, size_t cap) {
  uint8_t *op = dst;
  size_t v = len; /* the preamble: the length as a varint */
  do {
    if (op == dst + cap) return 0;
    *op++ = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v != 0);
  const size_t n = greedy_encode(src, len, op, cap - (size_t)(op - dst), MIN_MATCH, 0, write_elements);
  if (n == 0 && len > 0) return 0;
  return (size_t)(op - dst) + n;
}

/* snappyEncodeBlock(src, dst, pos, end): see the contract at the top. */
static napi_value js_encode_block(napi_env env, napi_callback_info info) {
  return samsa_encode_call(env, info, "snappyEncodeBlock(src, dst, pos, end): src of at most 65536 bytes and dst (Uint8Arrays or Buffers) and pos <= end <= dst.length, whole numbers, are required", encode_block);
}

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "snappyDecodeBlock", 17, js_decode_block, NULL, &fn) != 0) return exports;
  napi_set_named_property(env, exports, "snappyDecodeBlock", fn);
  if (napi_create_function(env, "snappyEncodeBlock", 17, js_encode_block, NULL, &fn) != 0) return exports;
  napi_set_named_property(env, exports, "snappyEncodeBlock", fn);
  return exports;
}
