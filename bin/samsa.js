#!/usr/bin/env node
// `npx samsa <tool>`: runs the built CLI (dist/esm/cli/main.js). In a checkout
// without a build it runs the TypeScript source through tsx instead, so the
// tools work straight from the repository. SAMSA_CLI_SOURCE=1 forces the source.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'dist', 'esm', 'cli', 'main.js')
const source = join(root, 'src', 'cli', 'main.ts')

async function load() {
  if (existsSync(built) && !process.env.SAMSA_CLI_SOURCE) return import(pathToFileURL(built).href)
  if (!existsSync(source)) {
    throw new Error(`samsa is not built: ${built} is missing (run npm run build)`)
  }
  let tsx
  try {
    tsx = await import('tsx/esm/api')
  } catch {
    throw new Error('samsa is not built and tsx is not installed: run npm run build, or npm install')
  }
  return tsx.tsImport(pathToFileURL(source).href, import.meta.url)
}

try {
  const { main } = await load()
  process.exitCode = await main(process.argv.slice(2))
} catch (e) {
  process.stderr.write(`samsa: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 1
}
