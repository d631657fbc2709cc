// ApiVersions: the APIs and versions this fake implements, nothing else.
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeApiVersionsRequest, encodeApiVersionsResponse, type ApiVersionsRequest, type ApiVersionsResponseInput,
} from '../../../protocol/messages/index.js'
import { defineHandler, type ApiHandler } from '../api.js'

export function apiVersionsHandler (all: () => readonly ApiHandler[]): ApiHandler<ApiVersionsRequest, ApiVersionsResponseInput> {
  const keys = (): ApiVersionsResponseInput['apiKeys'] =>
    all().map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion })).sort((a, b) => a.apiKey - b.apiKey)
  return defineHandler({
    apiKey: 18,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 4,
    decodeRequest: decodeApiVersionsRequest,
    encodeResponse: encodeApiVersionsResponse,
    handle: () => ({ errorCode: ErrorCode.NONE, apiKeys: keys() }),
    fail: (_req, errorCode) => ({ errorCode, apiKeys: keys() }),
  })
}
