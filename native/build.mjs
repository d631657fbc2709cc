// Builds samsa's native CRC-32C (native/crc32c.c) into native/build/crc32c.node
// with the system C compiler. `npm install` and `npm ci` run it (the package's
// "install" script), and `npm run build:native` runs it by hand.
//
//   node native/build.mjs [--required]
//
// It never fails an install: on a platform it does not build for (anything
// but x86-64 Linux and macOS), without a C compiler, or when the built module
// does not load and check out, it says why in one line, leaves no module
// behind and exits 0; samsa then uses @node-rs/crc32 or its JavaScript CRC.
// With --required (CI) any of these exits 1 instead.
// SAMSA_NATIVE=0 skips the build; CC picks the compiler (default cc).
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, 'native', 'crc32c.c')
const target = join(root, 'native', 'build', 'crc32c.node')
const required = process.argv.includes('--required')

function skip (why) {
  rmSync(target, { force: true })
  console.log(`[samsa] native CRC-32C not built (${why}); samsa uses @node-rs/crc32 or its JavaScript CRC-32C`)
  process.exit(required ? 1 : 0)
}

if (process.env.SAMSA_NATIVE === '0') skip('SAMSA_NATIVE=0')
if (process.arch !== 'x64' || (process.platform !== 'linux' && process.platform !== 'darwin')) {
  skip(`written for x86-64 Linux and macOS, this is ${process.platform}-${process.arch}`)
}

const cc = process.env.CC || 'cc'
// Node-API symbols are resolved from the node binary when the module loads.
const link = process.platform === 'darwin' ? ['-bundle', '-undefined', 'dynamic_lookup'] : ['-shared']
mkdirSync(dirname(target), { recursive: true })
try {
  execFileSync(cc, ['-O2', '-fPIC', '-fvisibility=hidden', ...link, '-o', target, source], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 })
} catch (e) {
  const detail = e.code === 'ENOENT' ? `no C compiler "${cc}" found` : `${cc} failed: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`
  skip(detail)
}

// Load it in a child process (a module that crashes node must not be kept) and check known answers.
const check = `
const m = require(${JSON.stringify(target)})
if (typeof m.crc32c !== 'function') { console.log('this CPU has no SSE4.2'); process.exit(3) }
const ok = m.crc32c(Buffer.from('123456789'), 0) === 0xe3069283 && m.crc32c(Buffer.alloc(100000, 7), 0) === m.crc32c(Buffer.alloc(50000, 7), m.crc32c(Buffer.alloc(50000, 7), 0))
process.exit(ok ? 0 : 4)`
try {
  execFileSync(process.execPath, ['-e', check], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 })
} catch (e) {
  skip(e.status === 3 ? 'this CPU has no SSE4.2' : e.status === 4 ? 'the built module computed a wrong CRC' : `the built module does not load: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`)
}
console.log(`[samsa] native CRC-32C built: ${target}`)
