// npm run kafka -- <command>: a real Apache Kafka cluster for samsa's tests.
// See docs/testing.md and scripts/kafka/cluster.ts.

import path from 'node:path'
import { parseArgs } from 'node:util'
import {
  DEFAULT_KAFKA_VERSION, REPO_ROOT, SECURE, clusterStatus, ensureKafkaLibs, ensureKafkaTools, killNode, restartNode,
  secureBootstrap, startCluster, stopAllClusters, stopCluster, stopNode, versionFrom
} from './kafka/cluster.js'

const USAGE = `usage: npm run kafka -- <command> [options]

  start [--nodes N] [--version V] [--secure]
                                   start a KRaft cluster (idempotent) and print its bootstrap address;
                                   --secure adds SASL_PLAINTEXT, SSL, SASL_SSL and mutual-TLS listeners
                                   (ports base+10000/11000/12000/13000, certificates in <run dir>/tls/)
  stop [--force]                   stop the cluster (SIGTERM, then SIGKILL) and delete its data
  stop --all [--within LO-HI,...]  stop every cluster of this checkout (recorded under .kafka/run, or
                                   a broker JVM left without a record), or those whose port base is in a range
  kill <node>                      kill -9 one node
  stop-node <node>                 stop one node gracefully
  restart <node> [--kill]          stop (or kill -9) one node, start it again on its data, wait until ready
  status [--json]                  show the nodes; exit 0 when healthy, 1 when not, 3 when none runs
  fetch [--version V]              only fetch the broker jars into .kafka/libs/<version>/
                                   (4.x: and the Java console tools into .kafka/tools/<version>/)

environment:
  KAFKA_VERSION    Kafka release (default ${DEFAULT_KAFKA_VERSION}; 4.0.x, 3.9.x, 3.6.x, 3.3.x in KRaft mode
                   and 2.8.x with a ZooKeeper server on base+20000 work too)
  KAFKA_PORT_BASE  first client port (default 9092); node i listens on base+i-1, its controller on base+20000+i-1
  KAFKA_HEAP_OPTS  JVM heap flags per node (default -Xms256m -Xmx768m)
  KAFKA_START_TIMEOUT_MS  how long start waits for the nodes (default 90000)`

function nodeId (value: string | undefined): number {
  const id = Number(value)
  if (!value || !Number.isInteger(id) || id < 1) throw new Error(`expected a node id (1, 2, ...), got '${value ?? ''}'\n\n${USAGE}`)
  return id
}

async function main (): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      nodes: { type: 'string', short: 'n' },
      version: { type: 'string', short: 'v' },
      'port-base': { type: 'string' },
      kill: { type: 'boolean' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      within: { type: 'string' },
      secure: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const [command, arg] = positionals
  if (values.help || !command) {
    console.log(USAGE)
    return command ? 0 : 2
  }
  const portBase = values['port-base'] ? Number(values['port-base']) : undefined
  const common = { portBase }

  switch (command) {
    case 'start': {
      const info = await startCluster({
        ...common,
        nodes: values.nodes ? Number(values.nodes) : 1,
        version: values.version,
        owner: 'cli',
        secure: values.secure
      })
      if (info.reused) process.stderr.write(`[kafka] a ${info.nodes}-node Kafka ${info.version} cluster is already running\n`)
      if (info.state.secure) {
        for (const kind of ['sasl', 'ssl', 'sasl_ssl', 'mtls'] as const) {
          process.stderr.write(`[kafka] ${kind.padEnd(8)} ${secureBootstrap(info.state, kind)}\n`)
        }
        process.stderr.write(`[kafka] certificates in ${path.relative(REPO_ROOT, path.dirname(SECURE.caFile(info.state)))}/; user ${SECURE.username}\n`)
      }
      console.log(info.bootstrap)
      return 0
    }
    case 'stop': {
      if (values.all) {
        const within = values.within?.split(',').map((r): [number, number] => {
          const m = /^(\d+)(?:-(\d+))?$/.exec(r.trim())
          if (!m) throw new Error(`--within expects port-base ranges like 19192,21400-21799, got '${r}'`)
          return [Number(m[1]), Number(m[2] ?? m[1])]
        })
        const bases = await stopAllClusters({ within, force: values.force })
        process.stderr.write(bases.length > 0 ? `[kafka] stopped the clusters on port bases ${bases.join(', ')}\n` : '[kafka] no cluster was running\n')
        return 0
      }
      const stopped = await stopCluster({ ...common, force: values.force })
      process.stderr.write(stopped ? '[kafka] stopped\n' : '[kafka] no cluster was running\n')
      return 0
    }
    case 'kill':
      await killNode(nodeId(arg), common)
      return 0
    case 'stop-node':
      await stopNode(nodeId(arg), common)
      return 0
    case 'restart':
      await restartNode(nodeId(arg), { ...common, kill: values.kill })
      return 0
    case 'status': {
      const status = await clusterStatus(common)
      if (values.json) {
        console.log(JSON.stringify(status, null, 2))
      } else if (!status.state) {
        console.log('no cluster running')
      } else {
        const s = status.state
        console.log(`Kafka ${s.version}, ${s.nodes.length} node(s), ${status.healthy ? 'healthy' : 'NOT healthy'}, ` +
          `owner ${s.owner}, started ${s.startedAt}`)
        console.log(`bootstrap ${status.bootstrap}`)
        console.log(`data ${path.relative(REPO_ROOT, s.runDir)}/`)
        for (const n of status.nodes) {
          const state = n.ready ? 'ready' : n.alive ? `alive, not answering (${n.error ?? ''})` : 'down'
          const brokers = n.brokers ? `, sees brokers [${n.brokers.join(',')}]` : ''
          console.log(`  node ${n.id}  port ${n.port}  controller ${n.controllerPort}  pid ${n.pid ?? '-'}  ${state}${brokers}`)
        }
      }
      return !status.state ? 3 : status.healthy ? 0 : 1
    }
    case 'fetch': {
      const version = versionFrom({ version: values.version })
      console.log(await ensureKafkaLibs(version))
      // the Java console tools that test/integration/testing/fake-kafka-java.test.ts runs (Kafka 4.x)
      if (Number(version.split('.')[0]) >= 4) console.log(await ensureKafkaTools(version))
      return 0
    }
    default:
      console.error(`unknown command '${command}'\n\n${USAGE}`)
      return 2
  }
}

main().then((code) => { process.exitCode = code }, (err: Error) => {
  console.error(`[kafka] ${err.message}`)
  process.exitCode = 1
})
