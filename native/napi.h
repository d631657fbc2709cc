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

/* A JavaScript number for `value` (NULL, with an exception pending, when that fails). */
static inline napi_value samsa_int32(napi_env env, int32_t value) {
  napi_value result;
  return napi_create_int32(env, value, &result) == 0 ? result : NULL;
}

#endif
