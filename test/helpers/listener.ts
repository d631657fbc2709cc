// A TCP listener that accepts and drops connections and counts them: a client
// pointed at it proves that a call failed before it tried to send anything.
import net from 'node:net'

export interface CountingListener {
  /** host:port for bootstrap.servers */
  address: string
  connections(): number
  close(): Promise<void>
}

export async function countingListener(): Promise<CountingListener> {
  let connections = 0
  const server = net.createServer((socket) => {
    connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    address: `127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
