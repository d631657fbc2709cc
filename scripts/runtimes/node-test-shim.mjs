// A stand-in for the part of `node:test` the compatibility smoke suite uses
// (test(name, [options], fn), t.skip(reason), after(fn)), so that the same
// suite runs unchanged on Bun and Deno, whose `node:test` support differs from
// Node's. scripts/runtimes/transpile.ts points the suite's `node:test` import
// here. Tests run one after another once the module has loaded; each prints
// 'ok', 'skip' or 'not ok' with its name; the process exits 1 if any failed.
/* global setTimeout -- every runtime it runs on has it */

const tests = []
const afters = []

export function test (name, options, fn) {
  if (typeof options === 'function') { fn = options; options = {} }
  tests.push({ name, options: options ?? {}, fn })
}

export function after (fn) { afters.push(fn) }

async function run () {
  let failed = 0
  for (const { name, options, fn } of tests) {
    if (options.skip) { console.log(`skip - ${name} (${options.skip === true ? 'skipped' : options.skip})`); continue }
    let skipped
    const t = { name, skip (reason) { skipped = reason ?? 'skipped' }, diagnostic (msg) { console.log(`# ${msg}`) } }
    const t0 = Date.now()
    try {
      await fn(t)
      console.log(skipped === undefined ? `ok - ${name} (${Date.now() - t0} ms)` : `skip - ${name} (${skipped})`)
    } catch (err) {
      failed++
      console.log(`not ok - ${name}\n${err && err.stack ? err.stack : err}`)
    }
  }
  for (const fn of afters) await fn()
  console.log(`# ${tests.length} tests, ${failed} failed`)
  if (failed > 0) process.exitCode = 1
}

setTimeout(() => { run().catch((err) => { console.log(`not ok - after hooks\n${err && err.stack ? err.stack : err}`); process.exitCode = 1 }) }, 0)
