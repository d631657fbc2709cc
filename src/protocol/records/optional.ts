/**
 * Lazy loading of samsa's optional native dependencies (`optionalDependencies`
 * in package.json): CRC-32C acceleration and the compression codecs; and of
 * optional peers loaded by name (the AWS SDK's credential providers); and of
 * samsa's own native CRC-32C, when the install could build it.
 *
 * Contract: nothing is loaded until first use; a module that fails to load is
 * remembered, and every use after that throws the same {@link KafkaError}
 * (type `MISSING_DEPENDENCY`) naming the package to install. This is the only
 * file that resolves packages relative to samsa's own location.
 */
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KafkaError } from '../../errors.js'

// The CommonJS build (scripts/build.mjs) rewrites `import.meta.url` to the
// file's own URL, since CommonJS has no import.meta.
// @ts-ignore TS1343 in the CommonJS compile only
const selfUrl: string = import.meta.url
const requireOptional = createRequire(selfUrl)

const cache = new Map<string, { module?: unknown, error?: unknown }>()

/** Loads `name`, or returns `undefined` when it cannot be loaded. */
export function tryLoadOptional<T>(name: string): T | undefined {
  let entry = cache.get(name)
  if (entry === undefined) {
    try {
      entry = { module: requireOptional(name) }
    } catch (error) {
      entry = { error }
    }
    cache.set(name, entry)
  }
  return entry.module as T | undefined
}

/**
 * Loads a native module built into samsa's own folder (`native/build/<file>`,
 * by native/build.mjs), or returns `undefined` when there is none, it
 * does not load, `SAMSA_NATIVE=0` is set, or the runtime is not Node.js (Bun
 * and Deno implement Node-API only in part).
 */
export function tryLoadNative<T>(file: string): T | undefined {
  const key = `native:${file}`
  let entry = cache.get(key)
  if (entry === undefined) {
    try {
      if (process.env.SAMSA_NATIVE === '0') throw new Error('SAMSA_NATIVE=0')
      if (process.versions.bun !== undefined || process.versions.deno !== undefined) throw new Error('not Node.js')
      // samsa's root is 3 folders up from src/protocol/records, 4 from dist/{esm,cjs}/protocol/records.
      let dir = dirname(fileURLToPath(selfUrl))
      let path: string | undefined
      for (let up = 0; up <= 4 && path === undefined; up++, dir = dirname(dir)) {
        if (existsSync(join(dir, 'native', 'build', file))) path = join(dir, 'native', 'build', file)
      }
      if (path === undefined) throw new Error(`native/build/${file} not found`)
      entry = { module: requireOptional(path) }
    } catch (error) {
      entry = { error }
    }
    cache.set(key, entry)
  }
  return entry.module as T | undefined
}

/** Loads `name`, or throws a KafkaError telling the user to install it for `purpose`. */
export function loadOptional<T>(name: string, purpose: string): T {
  const module = tryLoadOptional<T>(name)
  if (module !== undefined) return module
  const cause = cache.get(name)?.error
  throw new KafkaError(
    `${purpose} needs the optional package "${name}", which could not be loaded; install it with \`npm install ${name}\``,
    { type: 'MISSING_DEPENDENCY', retriable: false, cause, context: { package: name } },
  )
}
