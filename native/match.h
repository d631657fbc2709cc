/*
 * The greedy match finder of samsa's LZ77-style block encoders (lz4.c,
 * snappy.c): the next 4 bytes are hashed into a 4,096-slot table of the
 * last 16-bit position seen (8 KiB on the stack, cleared per block, so
 * blocks are at most 64 KiB); a candidate is checked, extended 8 bytes at a
 * time forwards and byte by byte backwards, and handed to the format's
 * writer with the literals before it. After 64 probes in a row find
 * nothing the scan steps one byte further per 64 misses, so incompressible
 * input is passed over quickly (as LZ4's fast mode does).
 */
#ifndef SAMSA_MATCH_H
#define SAMSA_MATCH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MIN_MATCH 4
#define HASH_BITS 12

static inline uint32_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* Multiplicative hash of 4 bytes to HASH_BITS bits. */
static inline uint32_t hash4(uint32_t v) { return (v * 2654435761u) >> (32 - HASH_BITS); }

/* How many bytes from `a` on equal those from `b` (b < a), not reading at or past `limit` from a. */
static inline size_t common_length(const uint8_t *a, const uint8_t *b, const uint8_t *limit) {
  const uint8_t *const start = a;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (limit - a >= 8) {
    const uint64_t diff = load64(a) ^ load64(b);
    if (diff != 0) return (size_t)(a - start) + ((size_t)__builtin_ctzll(diff) >> 3);
    a += 8;
    b += 8;
  }
#endif
  while (a < limit && *a == *b) {
    a++;
    b++;
  }
  return (size_t)(a - start);
}

/*
 * A format's writer: `lit` literals from `literals`, then (when match > 0)
 * a back-reference of `match` bytes (at least MIN_MATCH) `offset` bytes
 * back. Returns the new output position, or NULL when it would not fit
 * before `oend`.
 */
typedef uint8_t *(*write_fn)(uint8_t *op, const uint8_t *oend, const uint8_t *literals, size_t lit, size_t offset,
                             size_t match);

/*
 * Encodes src[0, len) (len <= 65536) into dst[0, cap) with `write`: no
 * match starts within `start_limit` bytes of the end (at least 4, to hash
 * them), the last `end_literals` bytes are always literals, and the block
 * ends with a write of the remaining literals (match 0). Returns the bytes
 * written, or 0 when they would not fit.
 */
static inline size_t greedy_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, size_t start_limit,
                                   size_t end_literals, write_fn write) {
  uint8_t *op = dst;
  const uint8_t *const oend = dst + cap;
  const uint8_t *anchor = src;
  const uint8_t *const iend = src + len;
  if (len > start_limit) {
    uint16_t last[1 << HASH_BITS];
    memset(last, 0, sizeof last);
    const uint8_t *const match_start_limit = iend - start_limit;
    const uint8_t *const match_end_limit = iend - end_literals;
    const uint8_t *ip = src + 1; /* position 0 is every slot's initial entry */
    unsigned misses = 0;
    while (ip <= match_start_limit) {
      const uint32_t seq = load32(ip);
      const uint32_t h = hash4(seq);
      const uint8_t *ref = src + last[h];
      last[h] = (uint16_t)(ip - src);
      if (load32(ref) != seq || ref >= ip) {
        ip += 1 + (misses++ >> 6);
        continue;
      }
      misses = 0;
      size_t match = MIN_MATCH + common_length(ip + MIN_MATCH, ref + MIN_MATCH, match_end_limit);
      while (ip > anchor && ref > src && ip[-1] == ref[-1]) { /* the match may start earlier */
        ip--;
        ref--;
        match++;
      }
      op = write(op, oend, anchor, (size_t)(ip - anchor), (size_t)(ip - ref), match);
      if (op == NULL) return 0;
      ip += match;
      anchor = ip;
      if (ip <= match_start_limit) last[hash4(load32(ip - 2))] = (uint16_t)(ip - 2 - src);
    }
  }
  op = write(op, oend, anchor, (size_t)(iend - anchor), 0, 0);
  return op == NULL ? 0 : (size_t)(op - dst);
}

#endif
