/*
 * The copies of samsa's LZ77-style block decoders (lz4.c, snappy.c): short
 * literals and matches are copied 8 or 16 bytes at a time past their end
 * where the output has room to spare (the bytes beyond are written over by
 * what follows, and never past the end of the room); long runs exactly.
 */
#ifndef SAMSA_COPY_H
#define SAMSA_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Fixed-size copies the compiler turns into one or two unaligned loads and stores. */
static inline void copy8(uint8_t *d, const uint8_t *s) { memcpy(d, s, 8); }
static inline void copy16(uint8_t *d, const uint8_t *s) { memcpy(d, s, 16); }

/*
 * Writes the `len` bytes that start `offset` bytes before `op` to `op` and
 * returns op + len. The caller has checked 1 <= offset <= what was written
 * and len <= oend - op; bytes up to 8 past op + len may be written when they
 * are before `oend`.
 */
static inline uint8_t *copy_match(uint8_t *op, size_t offset, size_t len, const uint8_t *oend) {
  const uint8_t *from = op - offset;
  uint8_t *const stop = op + len;
  if (offset >= 8 && len + 8 <= (size_t)(oend - op)) {
    /* Each 8 bytes read lie at least 8 behind those written, so they are already there. */
    do {
      copy8(op, from);
      op += 8;
      from += 8;
    } while (op < stop);
    return stop;
  }
  /*
   * A match closer than 8 bytes (or near the end of the room) repeats the
   * `offset` bytes before it. Each copy takes as much as lies between `from`
   * and `op` (never overlapping), a multiple of `offset` bytes of the
   * repeating pattern, so the copies double: a run of one byte over 16 KiB
   * is 15 copies, not 16,384 single bytes.
   */
  while (op < stop) {
    size_t n = (size_t)(op - from);
    if (n > (size_t)(stop - op)) n = (size_t)(stop - op);
    memcpy(op, from, n);
    op += n;
  }
  return stop;
}

#endif
