/**
 * One fake broker's TCP listener: accepts connections on its port and hands
 * each to a FakeConnection. Killing a broker closes its listener and every
 * connection to it; reviving listens again on the same port.
 */
import net from 'node:net'
import type { BrokerState } from './cluster.js'
import { FakeConnection, type ConnectionDeps } from './connection.js'

export class BrokerListener {
  private server: net.Server | undefined
  private readonly connections = new Set<FakeConnection>()

  constructor (readonly state: BrokerState, private readonly deps: Omit<ConnectionDeps, 'broker'>) {}

  /** Listens on `state.port` (0: any free port, which is then written to `state.port`). */
  async listen (): Promise<void> {
    const server = net.createServer((socket) => {
      const conn = new FakeConnection(socket, { ...this.deps, broker: this.state })
      this.connections.add(conn)
      socket.on('close', () => { this.connections.delete(conn) })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.state.port, this.state.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address()
    if (address !== null && typeof address === 'object') this.state.port = address.port
    this.server = server
    this.state.alive = true
  }

  /** Closes every client connection (the listener stays). */
  dropConnections (): void {
    for (const c of this.connections) c.close()
    this.connections.clear()
  }

  async close (): Promise<void> {
    this.state.alive = false
    const server = this.server
    this.server = undefined
    this.dropConnections()
    if (server !== undefined) await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  }
}
