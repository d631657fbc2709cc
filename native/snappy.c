/*
 * samsa's Snappy block decoder: a Node-API addon with one function,
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
 * Why it exists: the snappy package decodes each 32 KiB block into a buffer
 * of its own, which were then joined; here the blocks of a batch decode
 * straight into one buffer of the exact size.
 *
 * Built by native/build.mjs with the system C compiler (no Node headers:
 * native/napi.h declares the Node-API it uses).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "copy.h"
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

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "snappyDecodeBlock", 17, js_decode_block, NULL, &fn) != 0) return exports;
  napi_set_named_property(env, exports, "snappyDecodeBlock", fn);
  return exports;
}
