/*
 * samsa's zstd calls: a Node-API addon over the system's libzstd
 * (libzstd.so.1, which every Debian and Ubuntu system has: dpkg depends on
 * it), with three functions.
 *
 *   zstdDecompress(src: Uint8Array, dst: Uint8Array, pos: number): number
 *
 * Contract: decodes every zstd frame in `src` (frames one after another,
 * skippable frames passed over) into `dst` from index `pos`, and returns the
 * index after the last byte written. Nothing is written at or past
 * `dst.length`, nothing is read outside `src`. Input that is not zstd, is
 * damaged, or decodes to more than the room returns a negative number
 * instead: minus zstd's error code (zstdErrorName tells what it means;
 * -70, "Destination buffer is too small", for the room).
 *
 *   zstdCompress(src: Uint8Array, dst: Uint8Array, pos: number, end: number, level: number): number
 *
 * Contract: compresses `src` into one zstd frame (with its content size, no
 * checksum) written to `dst` between `pos` and `end`, at zstd's `level`
 * (an integer; negative levels are zstd's fast ones), and returns the
 * number of bytes written, or 0 when the frame does not fit before `end`;
 * other failures return minus zstd's error code. Nothing is written outside
 * [pos, end).
 *
 *   zstdCompressAsync(src, dst, pos, end, level): Promise<number>
 *
 * The same on a libuv thread pool thread: the promise resolves with what
 * zstdCompress would return. `src` and `dst` are held until then, and the
 * caller must not touch the bytes of either meanwhile.
 *
 *   zstdErrorName(code: number): string
 *
 * zstd's own words for an error code (the negated result above).
 *
 * Each thread that calls into zstd (the main thread, a worker, a thread
 * pool thread) gets one decompression and one compression context, made on
 * first use and reused by every call on that thread; a JavaScript thread's
 * are freed when its Node.js environment ends, a pool thread's (a few, one
 * per pool thread) live as long as the process. Bad arguments throw a
 * TypeError.
 *
 * Why it exists: @mongodb-js/zstd works only on the libuv thread pool and
 * makes a context per call: about 110 µs of CPU for a 16 KiB batch. One
 * call here on the calling thread, with a context that stays, is what
 * Java does with zstd-jni. The caller (src/protocol/records/compression/
 * zstd.ts) bounds the output from the frames' headers first and uses this
 * only up to a few MiB; the package remains the fallback and the path for
 * larger data.
 *
 * Built by native/build.mjs with the system C compiler and linked to
 * libzstd.so.1; the few zstd functions it calls are declared below, so
 * zstd's headers (libzstd-dev) are not needed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "napi.h"

/* ---- zstd's stable API (zstd.h, zstd_errors.h) */

typedef struct ZSTD_DCtx_s ZSTD_DCtx;
typedef struct ZSTD_CCtx_s ZSTD_CCtx;
extern ZSTD_DCtx *ZSTD_createDCtx(void);
extern size_t ZSTD_freeDCtx(ZSTD_DCtx *dctx);
extern size_t ZSTD_decompressDCtx(ZSTD_DCtx *dctx, void *dst, size_t capacity, const void *src, size_t size);
extern ZSTD_CCtx *ZSTD_createCCtx(void);
extern size_t ZSTD_freeCCtx(ZSTD_CCtx *cctx);
extern size_t ZSTD_compressCCtx(ZSTD_CCtx *cctx, void *dst, size_t capacity, const void *src, size_t size, int level);
extern unsigned ZSTD_isError(size_t result);
extern int ZSTD_getErrorCode(size_t result); /* an enum in zstd_errors.h */
extern const char *ZSTD_getErrorString(int code);

#define ERROR_DST_SIZE_TOO_SMALL 70
#define ERROR_MEMORY_ALLOCATION 64

/* ---- one pair of contexts per thread */

static _Thread_local ZSTD_DCtx *dctx;
static _Thread_local ZSTD_CCtx *cctx;

/* Runs when the environment that loaded the module on this thread ends. */
static void free_contexts(void *unused) {
  (void)unused;
  ZSTD_freeDCtx(dctx);
  dctx = NULL;
  ZSTD_freeCCtx(cctx);
  cctx = NULL;
}

/* A result of zstd as what the functions return: minus its error code, else `ok`. */
static int32_t outcome(size_t result, int32_t ok) {
  return ZSTD_isError(result) ? -(int32_t)ZSTD_getErrorCode(result) : ok;
}

/* zstdDecompress(src, dst, pos): see the contract at the top. */
static napi_value js_decompress(napi_env env, napi_callback_info info) {
  const char *usage = "zstdDecompress(src, dst, pos): src and dst (Uint8Arrays or Buffers) and pos <= dst.length, a whole number, are required";
  uint8_t *src = NULL, *dst = NULL;
  size_t src_len = 0, dst_len = 0;
  uint32_t pos = 0;
  if (!samsa_decode_args(env, info, usage, &src, &src_len, &dst, &dst_len, &pos)) return NULL;
  if (dctx == NULL && (dctx = ZSTD_createDCtx()) == NULL) return samsa_int32(env, -ERROR_MEMORY_ALLOCATION);
  const size_t r = ZSTD_decompressDCtx(dctx, dst + pos, dst_len - pos, src, src_len);
  return samsa_int32(env, outcome(r, (int32_t)(pos + r)));
}

/* Compresses src into dst (capacity cap) with this thread's context: zstdCompress's result. */
static int32_t compress_into(uint8_t *dst, size_t cap, const uint8_t *src, size_t len, int level) {
  if (cctx == NULL && (cctx = ZSTD_createCCtx()) == NULL) return -ERROR_MEMORY_ALLOCATION;
  const size_t r = ZSTD_compressCCtx(cctx, dst, cap, src, len, level);
  if (ZSTD_isError(r) && ZSTD_getErrorCode(r) == ERROR_DST_SIZE_TOO_SMALL) return 0;
  return outcome(r, (int32_t)r);
}

/* The arguments of zstdCompress and zstdCompressAsync, checked; 0 (with a TypeError thrown) when they are wrong. */
static int compress_args(napi_env env, napi_callback_info info, const char *usage, uint8_t **src, size_t *src_len,
                         uint8_t **dst, size_t *cap, int *level, napi_value *argv) {
  size_t dst_len = 0;
  uint32_t n[3]; /* pos, end, level (as ToUint32 gives it: negative levels come back when cast) */
  if (!samsa_block_args(env, info, usage, src, src_len, dst, &dst_len, n, 3)) return 0;
  if (n[0] > n[1] || n[1] > dst_len || dst_len > INT32_MAX) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  *dst += n[0];
  *cap = n[1] - n[0];
  *level = (int32_t)n[2];
  if (argv != NULL) {
    size_t argc = 2;
    if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != 0) return 0;
  }
  return 1;
}

/* zstdCompress(src, dst, pos, end, level): see the contract at the top. */
static napi_value js_compress(napi_env env, napi_callback_info info) {
  uint8_t *src = NULL, *dst = NULL;
  size_t src_len = 0, cap = 0;
  int level = 0;
  if (!compress_args(env, info, "zstdCompress(src, dst, pos, end, level): src and dst (Uint8Arrays or Buffers), pos <= end <= dst.length (whole numbers) and an integer level are required",
                     &src, &src_len, &dst, &cap, &level, NULL)) {
    return NULL;
  }
  return samsa_int32(env, compress_into(dst, cap, src, src_len, level));
}

/* One zstdCompressAsync call: its arguments, the references that keep its buffers alive, its result. */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref held[2];
  const uint8_t *src;
  size_t src_len;
  uint8_t *dst;
  size_t cap;
  int level;
  int32_t result;
} compress_job;

/* On a pool thread: no Node-API here. */
static void compress_execute(napi_env env, void *data) {
  (void)env;
  compress_job *job = data;
  job->result = compress_into(job->dst, job->cap, job->src, job->src_len, job->level);
}

/* Back on the JavaScript thread: settles the promise and lets go of everything. */
static void compress_complete(napi_env env, napi_status status, void *data) {
  compress_job *job = data;
  napi_value value;
  if (status == 0 && napi_create_int32(env, job->result, &value) == 0) {
    napi_resolve_deferred(env, job->deferred, value);
  } else {
    napi_value message;
    if (napi_create_string_utf8(env, "zstdCompressAsync: the compression did not run", (size_t)-1, &message) == 0 &&
        napi_create_error(env, NULL, message, &value) == 0) {
      napi_reject_deferred(env, job->deferred, value);
    }
  }
  napi_delete_reference(env, job->held[0]);
  napi_delete_reference(env, job->held[1]);
  napi_delete_async_work(env, job->work);
  free(job);
}

/* zstdCompressAsync(src, dst, pos, end, level): see the contract at the top. */
static napi_value js_compress_async(napi_env env, napi_callback_info info) {
  napi_value argv[2], name, promise;
  compress_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    napi_throw_type_error(env, NULL, "zstdCompressAsync: out of memory");
    return NULL;
  }
  uint8_t *src = NULL;
  if (!compress_args(env, info, "zstdCompressAsync(src, dst, pos, end, level): src and dst (Uint8Arrays or Buffers), pos <= end <= dst.length (whole numbers) and an integer level are required",
                     &src, &job->src_len, &job->dst, &job->cap, &job->level, argv)) {
    free(job);
    return NULL;
  }
  job->src = src;
  if (napi_create_string_utf8(env, "samsa:zstdCompress", (size_t)-1, &name) != 0 ||
      napi_create_promise(env, &job->deferred, &promise) != 0) {
    free(job);
    return NULL;
  }
  if (napi_create_reference(env, argv[0], 1, &job->held[0]) != 0 || napi_create_reference(env, argv[1], 1, &job->held[1]) != 0 ||
      napi_create_async_work(env, NULL, name, compress_execute, compress_complete, job, &job->work) != 0 ||
      napi_queue_async_work(env, job->work) != 0) {
    job->result = -ERROR_MEMORY_ALLOCATION; /* settled as a failure below, then freed */
    compress_complete(env, 1, job);
  }
  return promise;
}

/* zstdErrorName(code): see the contract at the top. */
static napi_value js_error_name(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint32_t code = 0;
  const char *usage = "zstdErrorName(code): a whole number is required";
  if (!samsa_args(env, info, argv, 1, 1, usage)) return NULL;
  if (napi_get_value_uint32(env, argv[0], &code) != 0) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  napi_value result;
  const char *name = ZSTD_getErrorString((int)code);
  return napi_create_string_utf8(env, name == NULL ? "unknown zstd error" : name, (size_t)-1, &result) == 0 ? result : NULL;
}

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback fn;
  } functions[] = {{"zstdDecompress", js_decompress},
                   {"zstdCompress", js_compress},
                   {"zstdCompressAsync", js_compress_async},
                   {"zstdErrorName", js_error_name}};
  if (napi_add_env_cleanup_hook(env, free_contexts, NULL) != 0) return exports;
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, functions[i].name, (size_t)-1, functions[i].fn, NULL, &fn) != 0) return exports;
    napi_set_named_property(env, exports, functions[i].name, fn);
  }
  return exports;
}
