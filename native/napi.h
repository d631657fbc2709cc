/*
 * The Node-API declarations samsa's native modules use (from js_native_api.h
 * and node_api.h), so they build without Node's headers: Node-API is a
 * stable C ABI, resolved from the running node binary when a module loads.
 */
#ifndef SAMSA_NAPI_H
#define SAMSA_NAPI_H

#include <stddef.h>
#include <stdint.h>

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef struct napi_callback_info__ *napi_callback_info;
typedef int napi_status; /* napi_ok is 0 */
typedef napi_value (*napi_callback)(napi_env env, napi_callback_info info);
typedef struct napi_async_work__ *napi_async_work;
typedef struct napi_deferred__ *napi_deferred;
typedef struct napi_ref__ *napi_ref;

extern napi_status napi_get_cb_info(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv,
                                    napi_value *this_arg, void **data);
extern napi_status napi_get_buffer_info(napi_env env, napi_value value, void **data, size_t *length);
extern napi_status napi_typeof(napi_env env, napi_value value, int *result); /* napi_undefined is 0 */
extern napi_status napi_get_value_uint32(napi_env env, napi_value value, uint32_t *result);
extern napi_status napi_create_uint32(napi_env env, uint32_t value, napi_value *result);
extern napi_status napi_create_int32(napi_env env, int32_t value, napi_value *result);
extern napi_status napi_create_function(napi_env env, const char *name, size_t length, napi_callback cb,
                                        void *data, napi_value *result);
extern napi_status napi_set_named_property(napi_env env, napi_value object, const char *name, napi_value value);
extern napi_status napi_throw_type_error(napi_env env, const char *code, const char *msg);
extern napi_status napi_create_string_utf8(napi_env env, const char *str, size_t length, napi_value *result);
extern napi_status napi_add_env_cleanup_hook(napi_env env, void (*fun)(void *arg), void *arg);
extern napi_status napi_create_error(napi_env env, napi_value code, napi_value msg, napi_value *result);
extern napi_status napi_create_reference(napi_env env, napi_value value, uint32_t initial_refcount, napi_ref *result);
extern napi_status napi_delete_reference(napi_env env, napi_ref ref);
extern napi_status napi_create_promise(napi_env env, napi_deferred *deferred, napi_value *promise);
extern napi_status napi_resolve_deferred(napi_env env, napi_deferred deferred, napi_value resolution);
extern napi_status napi_reject_deferred(napi_env env, napi_deferred deferred, napi_value rejection);
extern napi_status napi_create_async_work(napi_env env, napi_value async_resource, napi_value async_resource_name,
                                          void (*execute)(napi_env env, void *data),
                                          void (*complete)(napi_env env, napi_status status, void *data), void *data,
                                          napi_async_work *result);
extern napi_status napi_queue_async_work(napi_env env, napi_async_work work);
extern napi_status napi_delete_async_work(napi_env env, napi_async_work work);

/*
 * Reads up to `capacity` arguments into argv (missing ones are undefined);
 * with fewer than `required` given, throws a TypeError saying `usage` and
 * returns 0.
 */
static inline int samsa_args(napi_env env, napi_callback_info info, napi_value *argv, size_t capacity, size_t required,
                             const char *usage) {
  size_t argc = capacity;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != 0 || argc < required) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

/*
 * The bytes of `value`, a Uint8Array (a Buffer too); when it is not one,
 * throws a TypeError saying `message` and returns 0.
 */
static inline int samsa_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length, const char *message) {
  void *p = NULL;
  if (napi_get_buffer_info(env, value, &p, length) != 0) {
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  *data = (uint8_t *)p;
  return 1;
}

/*
 * The arguments of a block codec call `(src, dst, ...numbers)`: src and dst
 * Uint8Arrays, then `numbers` whole numbers into `values`; when any is
 * missing or of another type, throws a TypeError saying `usage` and
 * returns 0.
 */
static inline int samsa_block_args(napi_env env, napi_callback_info info, const char *usage, uint8_t **src,
                                   size_t *src_len, uint8_t **dst, size_t *dst_len, uint32_t *values, size_t numbers) {
  napi_value argv[8];
  if (numbers > 6 || !samsa_args(env, info, argv, 2 + numbers, 2 + numbers, usage) ||
      !samsa_bytes(env, argv[0], src, src_len, usage) || !samsa_bytes(env, argv[1], dst, dst_len, usage)) {
    return 0;
  }
  for (size_t i = 0; i < numbers; i++) {
    if (napi_get_value_uint32(env, argv[2 + i], &values[i]) != 0) {
      napi_throw_type_error(env, NULL, usage);
      return 0;
    }
  }
  return 1;
}

/*
 * The arguments of a decoder call `(src, dst, pos)`: samsa_block_args with
 * one number, and pos <= dst.length <= 2^31 - 1 (so results fit an int32).
 */
static inline int samsa_decode_args(napi_env env, napi_callback_info info, const char *usage, uint8_t **src,
                                    size_t *src_len, uint8_t **dst, size_t *dst_len, uint32_t *pos) {
  if (!samsa_block_args(env, info, usage, src, src_len, dst, dst_len, pos, 1)) return 0;
  if (*pos > *dst_len || *dst_len > INT32_MAX) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

/* A JavaScript number for `value` (NULL, with an exception pending, when that fails). */
static inline napi_value samsa_int32(napi_env env, int32_t value) {
  napi_value result;
  return napi_create_int32(env, value, &result) == 0 ? result : NULL;
}

/*
 * A block encoder call `(src, dst, pos, end)`: src of at most 65,536 bytes
 * is encoded by `encode` into dst between pos and end; returns its result
 * (the bytes written, 0 when they do not fit) as a number, or throws a
 * TypeError saying `usage` for bad arguments.
 */
static inline napi_value samsa_encode_call(napi_env env, napi_callback_info info, const char *usage,
                                           size_t (*encode)(const uint8_t *src, size_t len, uint8_t *dst, size_t cap)) {
  uint8_t *src = NULL, *dst = NULL;
  size_t src_len = 0, dst_len = 0;
  uint32_t range[2]; /* pos, end */
  if (!samsa_block_args(env, info, usage, &src, &src_len, &dst, &dst_len, range, 2)) return NULL;
  if (range[0] > range[1] || range[1] > dst_len || dst_len > INT32_MAX || src_len > 65536) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return samsa_int32(env, (int32_t)encode(src, src_len, dst + range[0], range[1] - range[0]));
}

#endif
