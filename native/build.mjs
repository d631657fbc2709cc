// Builds samsa's native modules with the system C compiler:
//   native/crc32c.c -> native/build/crc32c.node (CRC-32C, x86-64 with SSE4.2)
//   native/lz4.c    -> native/build/lz4.node    (LZ4 block decoder and encoder, Linux and macOS)
//   native/snappy.c -> native/build/snappy.node (Snappy block decoder and encoder, Linux and macOS)
//   native/zstd.c   -> native/build/zstd.node   (zstd through the system's libzstd.so.1, Linux)
// `npm install` and `npm ci` run it (the package's "install" script), and
// `npm run build:native` runs it by hand.
//
//   node native/build.mjs [--required]
//
// It never fails an install: for each module, on a platform it does not build
// for, without a C compiler, or when the built module does not load and check
// out, it says why in one line, leaves no module behind and goes on; samsa
// then uses @node-rs/crc32 or its JavaScript CRC-32C, lz4-napi's frame
// decoder and block encoder, the snappy package's decoder and encoder,
// and @mongodb-js/zstd. With --required (CI) any of
// these exits 1 instead, after trying every module.
// SAMSA_NATIVE=0 skips the build; CC picks the compiler (default cc).
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const required = process.argv.includes('--required')
const unix = process.platform === 'linux' || process.platform === 'darwin'

/**
 * A block decoder module (any Linux or macOS): `fn(block, out, ...at)` must
 * decode the bytes `good` to the text `expected`, and refuse the truncated
 * block `bad` with `code`; `more`, when given, is one more expression over
 * the module `m` that must be true.
 */
function decoder (name, file, fn, fallback, at, good, expected, bad, code, more = 'true') {
  const call = (bytes) => `m.${fn}(Buffer.from(${JSON.stringify(bytes)}), out, ${at.join(', ')})`
  return {
    name,
    file,
    fallback: `samsa uses ${fallback}`,
    platform: unix ? null : `built on Linux and macOS, this is ${process.platform}`,
    check: (target) => `
const m = require(${JSON.stringify(target)})
if (typeof m.${fn} !== 'function') process.exit(4)
const out = Buffer.alloc(32)
const n = ${call(good)}
const ok = n === ${expected.length} && out.subarray(0, n).toString() === ${JSON.stringify(expected)} && ${call(bad)} === ${code} && (${more})
process.exit(ok ? 0 : 4)`,
    codes: { 4: 'the built module decoded a known block wrongly' }
  }
}

const modules = [
  {
    name: 'CRC-32C',
    file: 'crc32c',
    fallback: 'samsa uses @node-rs/crc32 or its JavaScript CRC-32C',
    platform: process.arch === 'x64' && unix ? null : `written for x86-64 Linux and macOS, this is ${process.platform}-${process.arch}`,
    // Known answers; exit 3 when the CPU lacks SSE4.2 (the module then exports nothing).
    check: (target) => `
const m = require(${JSON.stringify(target)})
if (typeof m.crc32c !== 'function') { console.log('this CPU has no SSE4.2'); process.exit(3) }
const ok = m.crc32c(Buffer.from('123456789'), 0) === 0xe3069283 && m.crc32c(Buffer.alloc(100000, 7), 0) === m.crc32c(Buffer.alloc(50000, 7), m.crc32c(Buffer.alloc(50000, 7), 0))
process.exit(ok ? 0 : 4)`,
    codes: { 3: 'this CPU has no SSE4.2', 4: 'the built module computed a wrong CRC' }
  },
  // Literals, an overlapping match and a closing literal; a truncated literal is refused. The
  // encoder writes the 16-byte block of "kafka " x 10 (test/protocol/records/compression.test.ts).
  decoder('LZ4 codec', 'lz4', 'lz4DecodeBlock', "lz4-napi's frame decoder and block encoder", [0, 0],
    [0x32, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x7a], 'abcabcabcz', [0x50, 0x61], -1,
    "typeof m.lz4EncodeBlock === 'function' && m.lz4EncodeBlock(Buffer.from('kafka '.repeat(10)), out, 0, 32) === 16"),
  // Literals and an overlapping copy; a truncated literal is refused. The encoder writes the
  // 11-byte block of "kafka " x 10 (test/protocol/records/compression.test.ts).
  decoder('Snappy codec', 'snappy', 'snappyDecodeBlock', "the snappy package's decoder and encoder", [0],
    [0x0a, 0x08, 0x61, 0x62, 0x63, 0x0d, 0x03], 'abcabcabca', [0x05, 0x10, 0x61], -3,
    "typeof m.snappyEncodeBlock === 'function' && m.snappyEncodeBlock(Buffer.from('kafka '.repeat(10)), out, 0, 32) === 11"),
  {
    name: 'zstd',
    file: 'zstd',
    fallback: 'samsa uses @mongodb-js/zstd',
    platform: process.platform === 'linux' ? null : `built on Linux (against libzstd.so.1), this is ${process.platform}`,
    libs: ['-l:libzstd.so.1'],
    // A frame compressed and decoded again; bytes that are not zstd are refused with zstd's error 10.
    check: (target) => `
const m = require(${JSON.stringify(target)})
const input = Buffer.from('kafka '.repeat(100))
const frame = Buffer.alloc(200)
const n = m.zstdCompress(input, frame, 0, 200, 3)
const out = Buffer.alloc(input.length)
const ok = n > 0 && n < 100 && m.zstdDecompress(frame.subarray(0, n), out, 0) === input.length && out.equals(input) &&
  m.zstdDecompress(Buffer.from('these bytes are not a zstd frame'), out, 0) === -10 && typeof m.zstdErrorName(10) === 'string'
process.exit(ok ? 0 : 4)`,
    codes: { 4: 'the built module compressed or decoded a known frame wrongly' }
  }
]

if (process.env.SAMSA_NATIVE === '0') {
  console.log('[samsa] native modules not built (SAMSA_NATIVE=0)')
  process.exit(required ? 1 : 0)
}

const cc = process.env.CC || 'cc'
// Node-API symbols are resolved from the node binary when the module loads.
const link = process.platform === 'darwin' ? ['-bundle', '-undefined', 'dynamic_lookup'] : ['-shared']
let failed = false

/** Builds and checks one module; returns why it was not built, or null. */
function build (m) {
  if (m.platform) return m.platform
  const source = join(root, 'native', `${m.file}.c`)
  const target = join(root, 'native', 'build', `${m.file}.node`)
  mkdirSync(dirname(target), { recursive: true })
  try {
    execFileSync(cc, ['-O2', '-fPIC', '-fvisibility=hidden', ...link, '-o', target, source, ...(m.libs ?? [])], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 })
  } catch (e) {
    return e.code === 'ENOENT' ? `no C compiler "${cc}" found` : `${cc} failed: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`
  }
  // Load it in a child process (a module that crashes node must not be kept) and check known answers.
  try {
    execFileSync(process.execPath, ['-e', m.check(target)], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 })
  } catch (e) {
    return m.codes[e.status] ?? `the built module does not load: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`
  }
  console.log(`[samsa] native ${m.name} built: ${target}`)
  return null
}

for (const m of modules) {
  const why = build(m)
  if (why === null) continue
  rmSync(join(root, 'native', 'build', `${m.file}.node`), { force: true })
  console.log(`[samsa] native ${m.name} not built (${why}); ${m.fallback}`)
  failed = true
}
process.exit(required && failed ? 1 : 0)
