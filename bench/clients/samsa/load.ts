// Shared by the samsa drivers: load samsa from src/ (run through tsx, the
// default) or from the built dist/esm/ (BENCH_SAMSA=dist, after npm run build).
// Typed loosely on purpose: the drivers are written against the API contract
// (shared/API.md) and report the cell as unavailable while a class is missing.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { REPO_ROOT, Unavailable } from '../../lib/driver.js'

export async function samsa (need: Array<'Producer' | 'Consumer'>): Promise<any> {
  const fromDist = process.env.BENCH_SAMSA === 'dist'
  const entry = fromDist ? path.join(REPO_ROOT, 'dist', 'esm', 'index.js') : path.join(REPO_ROOT, 'src', 'index.ts')
  if (!fs.existsSync(entry)) throw new Unavailable(`${path.relative(REPO_ROOT, entry)} does not exist${fromDist ? ' (npm run build)' : ''}`)
  const mod = await import(pathToFileURL(entry).href)
  for (const name of need) {
    if (typeof mod[name] !== 'function') throw new Unavailable(`samsa does not export ${name} yet`)
  }
  return mod
}
