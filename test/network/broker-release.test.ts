import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { brokerRelease } from '../../src/network/broker-release.js'

// ApiVersions tables of real brokers, one per release samsa is tested against
const tables = JSON.parse(fs.readFileSync(new URL('../fixtures/api-versions/releases.json', import.meta.url), 'utf8')) as Record<string, Record<string, number> | string>

function versionsOf(table: Record<string, number>): Map<number, { maxVersion: number }> {
  return new Map(Object.entries(table).map(([key, max]) => [Number(key), { maxVersion: max }]))
}

test('each tested release is named from its own ApiVersions table', () => {
  const releases = Object.keys(tables).filter((k) => !k.startsWith('_'))
  assert.ok(releases.length >= 6, `tables for the tested releases (${releases.join(', ')})`)
  for (const release of releases) {
    const majorMinor = release.split('.').slice(0, 2).join('.')
    assert.equal(brokerRelease(versionsOf(tables[release] as Record<string, number>)), `Kafka ${majorMinor}-ish`, release)
  }
})

test('a broker between two known releases is named after the older; an older one or an empty table says so', () => {
  const between = { ...(tables['3.3.2'] as Record<string, number>), 1: 14 } // Fetch v14, not yet the 3.6 table
  assert.equal(brokerRelease(versionsOf(between)), 'Kafka 3.3-ish')
  const old: Record<string, number> = { ...(tables['2.8.2'] as Record<string, number>), 1: 11 }
  delete old[60]
  assert.equal(brokerRelease(versionsOf(old)), 'Kafka older than 2.8')
  assert.equal(brokerRelease(new Map()), 'Kafka (release unknown)')
})
