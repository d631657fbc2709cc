/**
 * `samsa console-producer`: kafka-console-producer.sh. Each line of stdin
 * becomes one record (the line's UTF-8 bytes, without the line break); at
 * the end of input (or on SIGINT/SIGTERM) the producer flushes and closes.
 *
 * Line format (`--property`): `parse.key=true` splits each line at the first
 * `key.separator` (default TAB) into key and value; a line without it fails
 * the tool ("No key separator found on line N") unless `ignore.error=true`,
 * which sends the whole line as the value with a null key. `null.marker=S`
 * makes a key or value equal to S null. `parse.headers=true` reads
 * `h1:v1,h2:v2<TAB>` before the key/value (`headers.delimiter`,
 * `headers.separator`, `headers.key.separator`).
 *
 * Contract: every record read is sent; the exit code is 0 only when every
 * one was acknowledged. A failure prints one line with the count and the
 * first error. Stdin is read with back-pressure: at most MAX_PENDING records
 * are awaiting acknowledgement at a time.
 */
import readline from 'node:readline'
import { Producer } from '../producer/producer.js'
import type { Header } from '../types.js'
import { UsageError, type ParsedArgs } from './args.js'
import { encoder, registryOptions } from './registry-format.js'
import { checkReachable, clientConfig, clientProps, onStopSignal, sendFailures, type Tool } from './tool.js'

const MAX_PENDING = 10000

export const tool: Tool = {
  name: 'console-producer',
  summary: 'Read lines from stdin and send each as a record.',
  options: [
    { name: 'topic', kind: 'value', arg: '<topic>', help: 'Topic to produce to (required)' },
    { name: 'property', kind: 'repeat', arg: '<name=value>', help: 'Line reader settings: parse.key, key.separator, ignore.error, null.marker, parse.headers, headers.delimiter, headers.separator, headers.key.separator' },
    { name: 'producer-property', kind: 'repeat', arg: '<name=value>', help: 'A producer config, e.g. --producer-property linger.ms=10' },
    { name: 'producer.config', kind: 'value', arg: '<file>', help: 'Java .properties file of producer configs' },
    { name: 'compression-codec', kind: 'optional', arg: '<codec>', help: 'none, gzip, snappy, lz4 or zstd (gzip when given without a value)' },
    { name: 'request-required-acks', kind: 'value', arg: '<acks>', help: 'acks: 0, 1 or all/-1', default: '-1' },
    { name: 'sync', kind: 'flag', help: 'Send each record and wait for its acknowledgement before reading the next line' },
    { name: 'timeout', kind: 'value', arg: '<ms>', help: 'linger.ms: how long a record may wait for its batch to fill' },
    { name: 'batch-size', kind: 'value', arg: '<n>', help: 'batch.size in bytes' },
    { name: 'max-block-ms', kind: 'value', arg: '<ms>', help: 'max.block.ms' },
    { name: 'message-send-max-retries', kind: 'value', arg: '<n>', help: 'retries' },
    { name: 'request-timeout-ms', kind: 'value', arg: '<ms>', help: 'request.timeout.ms' },
    ...registryOptions('producer'),
  ],
  notes: [
    'Examples:',
    '  printf "hello\\nworld\\n" | samsa console-producer --topic greetings',
    '  samsa console-producer --topic users --property parse.key=true --property key.separator=:',
    '  echo \'{"name":"ada"}\' | samsa console-producer --topic users --value-format avro --schema-registry-url http://localhost:8081 --value-schema @user.avsc',
  ],
  async run(args) {
    const topic = args.required('topic')
    const reader = lineReader(args.keyValues('property'))
    const encodeKey = encoder(args, 'key')
    const encode = encoder(args, 'value')
    const config = producerConfig(args)
    await checkReachable(config)
    const producer = new Producer(config as never)
    const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false })
    let stopping = false
    const stop = () => {
      stopping = true
      input.close()
    }
    const offStop = onStopSignal(stop)
    let failed = 0
    let firstError: Error | undefined
    let lineNo = 0
    const pending = new Set<Promise<unknown>>()
    try {
      for await (const line of input) {
        if (stopping) break
        lineNo++
        const record = reader(line, lineNo)
        if (!record) continue
        if (encode !== undefined || encodeKey !== undefined) {
          try {
            record.headers ??= []
            if (encodeKey !== undefined) record.key = await encodeKey(topic, record.key, record.headers, lineNo)
            if (encode !== undefined) record.value = await encode(topic, record.value, record.headers, lineNo)
          } catch (e) {
            failed++
            firstError ??= e as Error
            continue
          }
        }
        const p = producer.send({ topic, ...record }).catch((e: Error) => {
          failed++
          firstError ??= e
        })
        if (args.has('sync')) {
          await p
          continue
        }
        pending.add(p)
        void p.finally(() => pending.delete(p))
        if (pending.size >= MAX_PENDING) await Promise.race(pending)
      }
      await producer.flush()
      await Promise.all(pending)
    } finally {
      offStop()
      input.close()
      await producer.close()
    }
    if (failed > 0) throw sendFailures(failed, lineNo, firstError!)
    return 0
  },
}

function producerConfig(args: ParsedArgs): Record<string, unknown> {
  const extra: Record<string, unknown> = {}
  const acks = args.value('request-required-acks', '-1')
  extra['acks'] = acks
  if (args.has('compression-codec')) extra['compression.type'] = args.value('compression-codec') ?? 'gzip'
  const map: [string, string][] = [
    ['timeout', 'linger.ms'],
    ['batch-size', 'batch.size'],
    ['max-block-ms', 'max.block.ms'],
    ['message-send-max-retries', 'retries'],
    ['request-timeout-ms', 'request.timeout.ms'],
  ]
  for (const [flag, key] of map) if (args.has(flag)) extra[key] = args.int(flag)
  Object.assign(extra, clientProps(args, 'producer.config', 'producer-property'))
  return clientConfig(args, { 'client.id': 'console-producer', ...extra })
}

interface LineRecord {
  key: Buffer | null
  value: Buffer | null
  headers?: Header[]
}

/** Turns a line into a record per the --property settings (undefined: skip). */
export function lineReader(props: Record<string, string>): (line: string, lineNo: number) => LineRecord | undefined {
  const known = ['parse.key', 'key.separator', 'ignore.error', 'null.marker', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator']
  for (const k of Object.keys(props)) {
    if (!known.includes(k)) throw new UsageError(`unknown --property "${k}"; known: ${known.join(', ')}`)
  }
  const bool = (k: string) => (props[k] ?? 'false').toLowerCase() === 'true'
  const parseKey = bool('parse.key')
  const ignoreError = bool('ignore.error')
  const parseHeaders = bool('parse.headers')
  const keySep = props['key.separator'] ?? '\t'
  const headersDelim = props['headers.delimiter'] ?? '\t'
  const headersSep = props['headers.separator'] ?? ','
  const headerKeySep = props['headers.key.separator'] ?? ':'
  const nullMarker = props['null.marker']
  if (keySep === '') throw new UsageError('--property key.separator must not be empty')
  const bytes = (s: string) => (nullMarker !== undefined && s === nullMarker ? null : Buffer.from(s, 'utf8'))
  return (line, lineNo) => {
    let rest = line
    let headers: Header[] | undefined
    if (parseHeaders) {
      const at = rest.indexOf(headersDelim)
      if (at < 0) {
        if (!ignoreError) throw new UsageError(`No headers delimiter found on line number ${lineNo}: '${line}'`)
      } else {
        const text = rest.slice(0, at)
        rest = rest.slice(at + headersDelim.length)
        headers = text === '' ? [] : text.split(headersSep).map((h) => {
          const k = h.indexOf(headerKeySep)
          return k < 0 ? { key: h, value: null } : { key: h.slice(0, k), value: bytes(h.slice(k + headerKeySep.length)) }
        })
      }
    }
    if (!parseKey) return { key: null, value: bytes(rest), ...(headers ? { headers } : {}) }
    const at = rest.indexOf(keySep)
    if (at < 0) {
      if (!ignoreError) throw new UsageError(`No key separator found on line number ${lineNo}: '${line}'`)
      return { key: null, value: bytes(rest), ...(headers ? { headers } : {}) }
    }
    return { key: bytes(rest.slice(0, at)), value: bytes(rest.slice(at + keySep.length)), ...(headers ? { headers } : {}) }
  }
}
