// DescribeConfigs for topics (overrides and the fake's defaults) and brokers (no entries).
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeDescribeConfigsRequest, encodeDescribeConfigsResponse, type DescribeConfigsRequest, type DescribeConfigsResponseInput,
} from '../../../protocol/messages/index.js'
import { defineHandler } from '../api.js'
import { DEFAULT_TOPIC_CONFIGS } from '../cluster.js'

const TOPIC = 2
const BROKER = 4
const DYNAMIC_TOPIC_CONFIG = 1
const DEFAULT_CONFIG = 5

export const describeConfigsHandler = defineHandler<DescribeConfigsRequest, DescribeConfigsResponseInput>({
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 1,
  maxVersion: 4,
  decodeRequest: decodeDescribeConfigsRequest,
  encodeResponse: encodeDescribeConfigsResponse,
  handle: (ctx, req) => ({
    results: req.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName }
      if (r.resourceType === BROKER) return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: [] }
      if (r.resourceType !== TOPIC) return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `the fake describes topics and brokers only, not resource type ${r.resourceType}`, configs: [] }
      const topic = ctx.cluster.topics.get(r.resourceName)
      if (topic === undefined) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${r.resourceName} does not exist.`, configs: [] }
      const all = new Map([...DEFAULT_TOPIC_CONFIGS, ...topic.configs])
      const names = r.configurationKeys ?? [...all.keys()].sort()
      return {
        ...base,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        configs: names.filter((n) => all.has(n)).map((name) => ({
          name,
          value: all.get(name)!,
          readOnly: false,
          configSource: topic.configs.has(name) ? DYNAMIC_TOPIC_CONFIG : DEFAULT_CONFIG,
          isSensitive: false,
          synonyms: [],
          configType: 0,
          documentation: null,
        })),
      }
    }),
  }),
  fail: (req, errorCode) => ({ results: req.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, errorCode, configs: [] })) }),
})
