// npm run registry -- start|stop|status|fetch [--port N]
//
// The Schema Registry the tests of samsa/schema-registry use: Apicurio
// Registry 2.4.2.Final (Confluent-compatible API), built with Maven into
// .registry/ on first use (`fetch` only builds it). The port is --port, else
// SCHEMA_REGISTRY_PORT, else 8081; `start` prints the URL to use as
// SCHEMA_REGISTRY_URL.
import { fetchRegistry, registryStatus, startRegistry, stopRegistry } from './registry/registry.js'

const [command, ...rest] = process.argv.slice(2)
const portIndex = rest.indexOf('--port')
const port = Number(portIndex >= 0 ? rest[portIndex + 1] : process.env.SCHEMA_REGISTRY_PORT ?? 8081)

async function main(): Promise<number> {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write(`invalid port ${String(port)}: expected --port N or SCHEMA_REGISTRY_PORT from 1 to 65535\n`)
    return 2
  }
  switch (command) {
    case 'fetch':
      await fetchRegistry()
      return 0
    case 'start': {
      const info = await startRegistry(port)
      console.log(info.url)
      return 0
    }
    case 'stop':
      if (!(await stopRegistry(port))) process.stderr.write(`[registry] no registry started by this script on port ${port}\n`)
      return 0
    case 'status':
      console.log(await registryStatus(port))
      return 0
    default:
      process.stderr.write('usage: npm run registry -- start|stop|status|fetch [--port N]   (port default: SCHEMA_REGISTRY_PORT or 8081)\n')
      return command === undefined || command === '--help' ? 0 : 2
  }
}

main().then((code) => { process.exitCode = code }, (err: Error) => {
  process.stderr.write(`[registry] ${err.message}\n`)
  process.exitCode = 1
})
