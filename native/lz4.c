/*
 * samsa's LZ4 block codec: a Node-API addon with two functions.
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
 *   lz4EncodeBlock(src: Uint8Array, dst: Uint8Array, pos: number, end: number): number
 *
 * Contract: compresses `src` (at most 64 KiB, one independent block) into
 * `dst` between `pos` and `end`, and returns the number of bytes written
 * there, or 0 when the block does not fit before `end` (the caller then
 * stores the block raw; passing end = pos + src.length - 1 asks for a block
 * smaller than its input). Nothing is written outside [pos, end). The output
 * follows the block format's end rules (the last 5 bytes are literals, no
 * match starts within the last 12), so every conforming decoder reads it;
 * src of 64 KiB or less and pos <= end <= dst.length are checked (TypeError).
 *
 * Why they exist: lz4-napi's frame decoder took about 55 µs for a 16 KiB
 * batch here (Java's default batch.size) and 1.2 ms for 1 MiB, this decoder
 * 8 µs and 0.4 ms (bench/micro/records.ts); samsa already walks the frame to
 * bound its output, so each block is decoded straight into one output
 * buffer. The encoder writes each block of a producer's batch straight into
 * the batch's pooled buffer, where lz4-napi returned a new buffer per block.
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

/* ---- LZ4 block decoder */

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
  const char *usage = "lz4DecodeBlock(src, dst, window, pos): src and dst (Uint8Arrays or Buffers) and window <= pos <= dst.length, whole numbers, are required";
  uint8_t *src = NULL, *dst = NULL;
  size_t src_len = 0, dst_len = 0;
  uint32_t at[2]; /* window, pos */
  if (!samsa_block_args(env, info, usage, &src, &src_len, &dst, &dst_len, at, 2)) return NULL;
  if (at[0] > at[1] || at[1] > dst_len || dst_len > INT32_MAX) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return samsa_int32(env, (int32_t)decode_block(src, src_len, dst, at[0], at[1], dst_len));
}

/* ---- LZ4 block encoder: the sequences for match.h's greedy matches */

#define LAST_LITERALS 5 /* a block ends with at least this many literals */
#define MATCH_START_LIMIT 12 /* no match starts within this many bytes of the end */
#define MAX_BLOCK 65536

/* Bytes a length of `n` takes beyond its 4-bit field in the token (0 below 15). */
static inline size_t extra_length_bytes(size_t n) { return n < 15 ? 0 : (n - 15) / 255 + 1; }

/* Writes the 255-continued remainder of a length of 15 or more. */
static uint8_t *write_length(uint8_t *op, size_t n) {
  n -= 15;
  while (n >= 255) {
    *op++ = 255;
    n -= 255;
  }
  *op++ = (uint8_t)n;
  return op;
}

/*
 * One sequence: `lit` literals from `literals`, then (when match > 0) a
 * back-reference of `match` bytes (at least MIN_MATCH) at `offset`. Returns
 * the new output position, or NULL when it would not fit before `oend`.
 */
static uint8_t *write_sequence(uint8_t *op, const uint8_t *oend, const uint8_t *literals, size_t lit, size_t offset,
                               size_t match) {
  const size_t m = match == 0 ? 0 : match - MIN_MATCH;
  const size_t need = 1 + extra_length_bytes(lit) + lit + (match == 0 ? 0 : 2 + extra_length_bytes(m));
  if (need > (size_t)(oend - op)) return NULL;
  uint8_t *const token = op++;
  *token = (uint8_t)((lit < 15 ? lit : 15) << 4);
  if (lit >= 15) op = write_length(op, lit);
  memcpy(op, literals, lit);
  op += lit;
  if (match == 0) return op;
  *op++ = (uint8_t)offset;
  *op++ = (uint8_t)(offset >> 8);
  *token |= (uint8_t)(m < 15 ? m : 15);
  if (m >= 15) op = write_length(op, m);
  return op;
}

/*
 * Compresses src[0, len) (len <= MAX_BLOCK) into dst[0, cap); returns the
 * bytes written, or 0 when they would not fit (match.h finds the matches).
 */
static size_t encode_block(const uint8_t *src, size_t len, uint8_t *dst, size_t cap) {
  return greedy_encode(src, len, dst, cap, MATCH_START_LIMIT, LAST_LITERALS, write_sequence);
}

/* lz4EncodeBlock(src, dst, pos, end): see the contract at the top. */
static napi_value js_encode_block(napi_env env, napi_callback_info info) {
  return samsa_encode_call(env, info, "lz4EncodeBlock(src, dst, pos, end): src of at most 65536 bytes and dst (Uint8Arrays or Buffers) and pos <= end <= dst.length, whole numbers, are required", encode_block);
}

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "lz4DecodeBlock", 14, js_decode_block, NULL, &fn) != 0) return exports;
  napi_set_named_property(env, exports, "lz4DecodeBlock", fn);
  if (napi_create_function(env, "lz4EncodeBlock", 14, js_encode_block, NULL, &fn) != 0) return exports;
  napi_set_named_property(env, exports, "lz4EncodeBlock", fn);
  return exports;
}
