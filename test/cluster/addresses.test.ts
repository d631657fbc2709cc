import { test } from 'node:test'
import assert from 'node:assert/strict'
import { implausibleAddress, unconfirmedAddresses } from '../../src/cluster/addresses.js'
import { Cluster } from '../../src/cluster/cluster.js'
import type { BrokerInfo } from '../../src/cluster/metadata.js'
import { adminSchema } from '../../src/config/admin.js'
import { parseConfig } from '../../src/config/validate.js'
import type { MetadataResponse } from '../../src/protocol/messages/metadata.js'

test('implausibleAddress: host names, IP literals and container names pass', () => {
  for (const [host, port] of [
    ['127.0.0.1', 9092], ['localhost', 1], ['kafka-1.example.com', 65535], ['kafka_1', 9092], ['broker.', 9092],
    ['::1', 9092], ['[::1]', 9092], ['fe80::1%eth0', 9092], ['b-1.msk.eu-west-1.amazonaws.com', 9098], ['10.0.0.255', 9092],
  ] as const) {
    assert.equal(implausibleAddress(host, port), undefined, `${host}:${port}`)
  }
})

test('implausibleAddress: what bit flips make of an address is named', () => {
  // Each of these came out of a corrupt Metadata or FindCoordinator answer in the fault tests.
  const cases: [string, number, RegExp][] = [
    ['127.0.(.1', 9092, /characters no host name/],
    ['127&0.0.1', 9092, /characters no host name/],
    ['1\u00b17.0.0.1', 9092, /characters no host name/],
    ['127.0..1', 9092, /empty or over-long label/],
    ['327.0.0.1', 9092, /numbers only but not an IPv4 address/],
    ['1270.0.1', 9092, /numbers only/],
    ['127.00.1', 9092, /numbers only/],
    ['', 9092, /empty/],
    ['kafka', 0, /port 0 is outside/],
    ['kafka', 75536, /port 75536/],
    ['fe80::1::2', 9092, /not a valid IPv6/],
    ['a'.repeat(254), 9092, /254 characters/],
  ]
  for (const [host, port, why] of cases) assert.match(implausibleAddress(host, port) ?? 'passed', why, `${host}:${port}`)
})

const broker = (nodeId: number, host: string, port = 9092): BrokerInfo => ({ nodeId, host, port, rack: null })

test('unconfirmedAddresses: new nodes and moved ones, not the ones already known there', () => {
  const known = new Map([[1, broker(1, 'a')], [2, broker(2, 'b')]])
  const answer = new Map([[1, broker(1, 'a')], [2, broker(2, 'b', 9093)], [3, broker(3, 'c')]])
  assert.deepEqual(unconfirmedAddresses(known, answer), [2, 3])
  assert.deepEqual(unconfirmedAddresses(answer, answer), [])
})

/** A Metadata answer naming one broker (node 1) at `host`. */
function metadata(host: string): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host, port: 9092, rack: null }],
    clusterId: 'c',
    controllerId: 1,
    topics: [],
    clusterAuthorizedOperations: -2147483648,
  } as unknown as MetadataResponse
}

/** A Cluster whose Metadata requests get `answers` in turn (no sockets). */
function clusterAnswering(answers: string[]): { cluster: Cluster; asked: () => number } {
  const cluster = new Cluster(parseConfig(adminSchema, { 'bootstrap.servers': '127.0.0.1:1' }, 'admin'))
  let n = 0
  cluster.sendAny = (async () => {
    const host = answers[n++]
    if (host === undefined) throw new Error('asked once more than the test expected')
    return metadata(host)
  }) as Cluster['sendAny']
  return { cluster, asked: () => n }
}

test('Cluster: a broker address is taken when a second answer repeats it', async () => {
  const { cluster, asked } = clusterAnswering(['127.0.0.1', '127.0.0.1', '127.0.0.1'])
  try {
    await cluster.refreshMetadata()
    assert.equal(cluster.broker(1)?.host, '127.0.0.1')
    assert.equal(asked(), 2, 'first sight of a broker: asked twice')
    await cluster.refreshMetadata()
    assert.equal(asked(), 3, 'an address already known: asked once')
  } finally {
    cluster.close()
  }
})

test('Cluster: a corrupt address that the next answer does not repeat is never used; nor is an implausible one', async () => {
  // Known at 127.0.0.1; an answer says 12.0.0.1 (one bit flipped), the next ones 127.0.0.1 again.
  const { cluster, asked } = clusterAnswering(['127.0.0.1', '127.0.0.1', '12.0.0.1', '127.0.0.1', '127.0.0.1'])
  try {
    await cluster.refreshMetadata()
    await cluster.refreshMetadata()
    assert.equal(cluster.broker(1)?.host, '127.0.0.1')
    assert.equal(asked(), 4, 'the answer naming a new address was checked by one more')
  } finally {
    cluster.close()
  }
  const implausible = clusterAnswering(['127.0.(.1'])
  try {
    await assert.rejects(implausible.cluster.refreshMetadata(), (e: Error & { type?: string; retriable?: boolean }) => {
      assert.equal(e.type, 'CORRUPT_RESPONSE')
      assert.equal(e.retriable, true)
      assert.match(e.message, /broker 1: host "127\.0\.\(\.1" has characters/)
      return true
    })
    assert.equal(implausible.cluster.broker(1), undefined)
  } finally {
    implausible.cluster.close()
  }
})

test('Cluster: a broker that moved is followed once two answers agree; answers that keep disagreeing fail retriably', async () => {
  const { cluster } = clusterAnswering(['10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.2'])
  try {
    await cluster.refreshMetadata()
    await cluster.refreshMetadata()
    assert.equal(cluster.broker(1)?.host, '10.0.0.2')
  } finally {
    cluster.close()
  }
  const flapping = clusterAnswering(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'])
  try {
    await assert.rejects(flapping.cluster.refreshMetadata(), /4 answers in a row disagree on the address of broker 1/)
    assert.equal(flapping.cluster.broker(1), undefined, 'nothing was believed')
  } finally {
    flapping.cluster.close()
  }
})
