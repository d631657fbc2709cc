/*
 * samsa's LZ4 block decoder: a Node-API addon with one function,
 *
 *   lz4DecodeBlock(src: Uint8Array, dst: Uint8Array, window: number, pos: number): number
 *
 * Contract: decodes the LZ4 block `src` (the block format: sequences of a
 * token, literals and a back-reference) into `dst` from index `pos`, and
 * returns the index after the last byte decoded. A back-reference may reach
 * back to index `window` (the start of the frame's output, so a frame whose
 * blocks are linked can refer to the blocks before; independent blocks never
 * do) and never before it. Nothing is written at or past `dst.length`, and
 * nothing is read outside `src`; bytes of `dst` after the returned index may
 * have been written (copies run up to 16 bytes long where there is room). Input that breaks any of these rules (a
 * length running past the end of `src`, an offset of 0 or reaching before
 * `window`, output that would not fit) returns a negative code instead:
 * -1 literals run past the input, -2 a match offset is missing or
 * truncated, -3 the offset is 0 or reaches before the window, -4 the output
 * would not fit, -5 a length runs past the input. Bad arguments throw a
 * TypeError. The caller (src/protocol/records/compression/lz4.ts) walks the
 * frame, sizes `dst` from its block headers and turns codes into errors.
 *
 * Why it exists: lz4-napi's frame decoder took about 55 µs for a 16 KiB
 * batch here (Java's default batch.size) and 1.2 ms for 1 MiB, this one 8 µs
 * and 0.4 ms (bench/micro/records.ts); samsa already walks the frame to bound
 * its output, so each block is decoded straight into one output buffer.
 *
 * Built by native/build.mjs with the system C compiler (no Node headers:
 * native/napi.h declares the Node-API it uses).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "copy.h"
#include "napi.h"

/* ---- LZ4 block format */

/* Adds the bytes of a length of 15 or more (each 255 continues it) to *len; 0 when the input ends first. */
static int read_length(const uint8_t **ip, const uint8_t *end, size_t *len) {
  const uint8_t *p = *ip;
  uint8_t b;
  do {
    if (p == end) return 0;
    b = *p++;
    *len += b;
  } while (b == 255);
  *ip = p;
  return 1;
}

/*
 * Most sequences are short: a few literals and a match of a few bytes, copied
 * 16 and 8 bytes at a time where both buffers have room (copy.h).
 */
static int64_t decode_block(const uint8_t *src, size_t src_len, uint8_t *dst, size_t window, size_t pos, size_t cap) {
  const uint8_t *ip = src;
  const uint8_t *const end = src + src_len;
  uint8_t *op = dst + pos;
  uint8_t *const oend = dst + cap;
  uint8_t *const low = dst + window;
  while (ip < end) {
    const unsigned token = *ip++;
    size_t lit = token >> 4;
    if (lit < 15 && end - ip >= 16 && oend - op >= 16) {
      copy16(op, ip);
    } else {
      if (lit == 15 && !read_length(&ip, end, &lit)) return -5;
      if (lit > (size_t)(end - ip)) return -1;
      if (lit > (size_t)(oend - op)) return -4;
      memcpy(op, ip, lit);
    }
    op += lit;
    ip += lit;
    if (ip == end) break; /* the last sequence has literals only */
    if (end - ip < 2) return -2;
    const size_t offset = (size_t)ip[0] | ((size_t)ip[1] << 8);
    ip += 2;
    if (offset == 0 || offset > (size_t)(op - low)) return -3;
    size_t match = token & 15;
    if (match == 15 && !read_length(&ip, end, &match)) return -5;
    match += 4;
    if (match > (size_t)(oend - op)) return -4;
    op = copy_match(op, offset, match, oend);
  }
  return (int64_t)(op - dst);
}

/* lz4DecodeBlock(src, dst, window, pos): see the contract at the top. */
static napi_value js_decode_block(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!samsa_args(env, info, argv, 4, 4, "lz4DecodeBlock(src, dst, window, pos): four arguments are required")) return NULL;
  uint8_t *src = NULL, *dst = NULL;
  size_t src_len = 0, dst_len = 0;
  const char *bytes = "lz4DecodeBlock(src, dst, window, pos): src and dst must be Uint8Arrays or Buffers";
  if (!samsa_bytes(env, argv[0], &src, &src_len, bytes) || !samsa_bytes(env, argv[1], &dst, &dst_len, bytes)) return NULL;
  uint32_t window = 0, pos = 0;
  if (napi_get_value_uint32(env, argv[2], &window) != 0 || napi_get_value_uint32(env, argv[3], &pos) != 0 ||
      window > pos || pos > dst_len || dst_len > INT32_MAX) {
    napi_throw_type_error(env, NULL, "lz4DecodeBlock(src, dst, window, pos): window <= pos <= dst.length, both whole numbers, are required");
    return NULL;
  }
  const int64_t r = decode_block(src, src_len, dst, window, pos, dst_len);
  napi_value result;
  if (napi_create_int32(env, (int32_t)r, &result) != 0) return NULL;
  return result;
}

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "lz4DecodeBlock", 14, js_decode_block, NULL, &fn) != 0) return exports;
  napi_set_named_property(env, exports, "lz4DecodeBlock", fn);
  return exports;
}
