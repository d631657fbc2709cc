/**
 * Lazy loading of samsa's optional native dependencies (`optionalDependencies`
 * in package.json): CRC-32C acceleration and the compression codecs; and of
 * optional peers loaded by name (the AWS SDK's credential providers).
 *
 * Contract: nothing is loaded until first use; a module that fails to load is
 * remembered, and every use after that throws the same {@link KafkaError}
 * (type `MISSING_DEPENDENCY`) naming the package to install. This is the only
 * file that resolves packages relative to samsa's own location.
 */
import { createRequire } from 'node:module'
import { KafkaError } from '../../errors.js'

// The CommonJS build (scripts/build.mjs) rewrites `import.meta.url` to the
// file's own URL, since CommonJS has no import.meta.
// @ts-ignore TS1343 in the CommonJS compile only
const requireOptional = createRequire(import.meta.url)

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
