// Shared by the samsa drivers: load samsa from the ES module build that
// bench/run.ts compiles from src/ into .bench/run/<pid>/samsa-esm/ (BENCH_SAMSA=<dir>:
// plain JavaScript, what users run), or from src/ through tsx (BENCH_SAMSA=src).
// Typed loosely on purpose: the drivers are written against the API contract
// (shared/API.md) and report the cell as unavailable while a class is missing.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { REPO_ROOT, Unavailable } from '../../lib/driver.js'

export async function samsa (need: Array<'Producer' | 'Consumer' | 'ShareConsumer'>): Promise<any> {
  const from = process.env.BENCH_SAMSA || 'src'
  const entry = from === 'src' ? path.join(REPO_ROOT, 'src', 'index.ts') : path.join(path.resolve(REPO_ROOT, from), 'index.js')
  if (!fs.existsSync(entry)) throw new Unavailable(`${path.relative(REPO_ROOT, entry)} does not exist`)
  const mod = await import(pathToFileURL(entry).href)
  for (const name of need) {
    if (typeof mod[name] !== 'function') throw new Unavailable(`samsa does not export ${name} yet`)
  }
  return mod
}

/** samsa/schema-registry from the same build (or src/). */
export async function samsaSchemaRegistry (): Promise<any> {
  const from = process.env.BENCH_SAMSA || 'src'
  const entry = from === 'src' ? path.join(REPO_ROOT, 'src', 'schema-registry', 'index.ts') : path.join(path.resolve(REPO_ROOT, from), 'schema-registry', 'index.js')
  if (!fs.existsSync(entry)) throw new Unavailable(`${path.relative(REPO_ROOT, entry)} does not exist`)
  return await import(pathToFileURL(entry).href)
}
