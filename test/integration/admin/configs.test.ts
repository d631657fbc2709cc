import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, KafkaError, type ConfigEntry } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'

function admin() {
  return new Admin({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'samsa-test' })
}

/**
 * Creates the topic, then waits (10 s at most) until the broker describes its configs: createTopics
 * resolves once the controller has created it, and a broker may answer DescribeConfigs for it with
 * UNKNOWN_TOPIC_OR_PARTITION a moment longer (its metadata is replayed from the controller's log).
 */
async function createVisible(a: Admin, topic: Parameters<Admin['createTopics']>[0][number]): Promise<void> {
  await a.createTopics([topic])
  for (const until = Date.now() + 10000; ; await new Promise((r) => setTimeout(r, 100))) {
    try {
      await a.describeConfigs([{ type: 'topic', name: topic.topic }], { configNames: ['retention.ms'] })
      return
    } catch (e) {
      if (!(e instanceof KafkaError && e.type === 'UNKNOWN_TOPIC_OR_PARTITION') || Date.now() > until) throw e
    }
  }
}

test('describeConfigs of a topic: overrides, defaults, sources; incrementalAlterConfigs set/delete/append', async () => {
  const a = admin()
  const topic = uniqueName('cfg-topic')
  try {
    await createVisible(a, { topic, numPartitions: 1, configs: { 'retention.ms': '3600000' } })
    let [d] = await a.describeConfigs([{ type: 'topic', name: topic }])
    assert.equal(d!.type, 'topic')
    assert.equal(d!.name, topic)
    const byName = new Map(d!.entries.map((e) => [e.name, e]))
    const retention = byName.get('retention.ms')!
    assert.equal(retention.value, '3600000')
    assert.equal(retention.source, 'DYNAMIC_TOPIC_CONFIG')
    assert.equal(retention.isDefault, false)
    assert.equal(retention.isSensitive, false)
    assert.equal(retention.isReadOnly, false)
    const cleanup = byName.get('cleanup.policy')!
    assert.equal(cleanup.value, 'delete')
    assert.equal(cleanup.isDefault, true)
    assert.equal(cleanup.source, 'DEFAULT_CONFIG')

    await a.incrementalAlterConfigs([
      {
        type: 'topic',
        name: topic,
        ops: [
          { name: 'retention.ms', op: 'delete' },
          { name: 'max.message.bytes', value: '200000' },
          { name: 'cleanup.policy', op: 'append', value: 'compact' },
        ],
      },
    ])
    // Changes reach the brokers through the metadata log, a moment later.
    let after = new Map<string, ConfigEntry>()
    for (const until = Date.now() + 10000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      ;[d] = await a.describeConfigs([{ type: 'topic', name: topic }], { configNames: ['retention.ms', 'max.message.bytes', 'cleanup.policy'], includeSynonyms: true })
      after = new Map(d!.entries.map((e) => [e.name, e]))
      if (after.get('max.message.bytes')?.value === '200000') break
    }
    assert.equal(after.size, 3, 'only the keys asked for')
    assert.equal(after.get('retention.ms')!.value, '604800000')
    assert.equal(after.get('retention.ms')!.isDefault, true)
    assert.equal(after.get('max.message.bytes')!.value, '200000')
    assert.equal(after.get('max.message.bytes')!.source, 'DYNAMIC_TOPIC_CONFIG')
    assert.ok(after.get('max.message.bytes')!.synonyms.some((s) => s.source === 'DYNAMIC_TOPIC_CONFIG' && s.value === '200000'))
    assert.equal(after.get('cleanup.policy')!.value, 'delete,compact')

    // validateOnly changes nothing.
    await a.incrementalAlterConfigs([{ type: 'topic', name: topic, ops: [{ name: 'max.message.bytes', value: '300000' }] }], { validateOnly: true })
    ;[d] = await a.describeConfigs([{ type: 'topic', name: topic }], { configNames: ['max.message.bytes'] })
    assert.equal(d!.entries[0]!.value, '200000')
  } finally {
    await a.deleteTopics([topic]).catch(() => {})
    await a.close()
  }
})

test('describeConfigs of a broker, sensitive values are null; bad values and missing topics fail per resource', async () => {
  const a = admin()
  const topic = uniqueName('cfg-bad')
  try {
    const { brokers } = await a.describeCluster()
    const id = String(brokers[0]!.nodeId)
    const [b] = await a.describeConfigs([{ type: 'broker', name: id }], { includeDocumentation: true })
    assert.equal(b!.type, 'broker')
    const entries = new Map(b!.entries.map((e) => [e.name, e]))
    assert.equal(entries.get('broker.id')?.value ?? entries.get('node.id')?.value, id)
    const numPartitions = entries.get('num.partitions')!
    assert.equal(numPartitions.type, 'INT')
    assert.ok(numPartitions.documentation && numPartitions.documentation.length > 10)
    for (const e of b!.entries) if (e.isSensitive) assert.equal(e.value, null, `${e.name} is hidden`)

    // The cluster-wide broker default, set and removed dynamically.
    await a.incrementalAlterConfigs([{ type: 'broker', name: '', ops: [{ name: 'log.retention.bytes', value: '1073741824' }] }])
    // Dynamic changes reach the brokers through the metadata log, a moment later.
    let setting: ConfigEntry | undefined
    for (const until = Date.now() + 10000; !setting && Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      const [dflt] = await a.describeConfigs([{ type: 'broker', name: '' }])
      setting = dflt!.entries.find((e) => e.name === 'log.retention.bytes')
    }
    assert.equal(setting?.value, '1073741824')
    assert.equal(setting?.source, 'DYNAMIC_DEFAULT_BROKER_CONFIG')
    await a.incrementalAlterConfigs([{ type: 'broker', name: '', ops: [{ name: 'log.retention.bytes', op: 'delete' }] }])

    await createVisible(a, { topic, numPartitions: 1 })
    await assert.rejects(
      a.incrementalAlterConfigs([{ type: 'topic', name: topic, ops: [{ name: 'retention.ms', value: 'soon' }] }]),
      (e: unknown) => {
        assert.ok(e instanceof KafkaError)
        assert.equal(e.type, 'INVALID_CONFIG')
        assert.match(e.message, new RegExp(topic))
        return true
      },
    )
    const missing = uniqueName('cfg-missing')
    await assert.rejects(a.describeConfigs([{ type: 'topic', name: missing }]), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.equal(e.type, 'UNKNOWN_TOPIC_OR_PARTITION')
      assert.match(e.message, new RegExp(missing))
      return true
    })
    assert.ok(!(await a.listTopics()).includes(missing), 'describing a missing topic does not create it')
  } finally {
    await a.deleteTopics([topic]).catch(() => {})
    await a.close()
  }
})

test('config values given as numbers and booleans reach the broker in their string form (createTopics, incrementalAlterConfigs)', async () => {
  const a = admin()
  const topic = uniqueName('cfg-numbers')
  try {
    await createVisible(a, { topic, numPartitions: 1, configs: { 'retention.ms': 3_600_000, 'unclean.leader.election.enable': true } })
    const read = async (names: string[]) => {
      const [d] = await a.describeConfigs([{ type: 'topic', name: topic }], { configNames: names })
      return new Map(d!.entries.map((e) => [e.name, e.value]))
    }
    const created = await read(['retention.ms', 'unclean.leader.election.enable'])
    assert.equal(created.get('retention.ms'), '3600000')
    assert.equal(created.get('unclean.leader.election.enable'), 'true')

    await a.incrementalAlterConfigs([{ type: 'topic', name: topic, ops: [{ name: 'max.message.bytes', value: 200_000 }, { name: 'unclean.leader.election.enable', value: false }] }])
    let after = new Map<string, string | null>()
    for (const until = Date.now() + 10000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      after = await read(['max.message.bytes', 'unclean.leader.election.enable'])
      if (after.get('max.message.bytes') === '200000') break
    }
    assert.equal(after.get('max.message.bytes'), '200000')
    assert.equal(after.get('unclean.leader.election.enable'), 'false')
  } finally {
    await a.deleteTopics([topic]).catch(() => {})
    await a.close()
  }
})
