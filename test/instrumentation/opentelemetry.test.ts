// Tracing.of's "auto" decision, without a broker: @opentelemetry/api is not
// loaded at client creation until something has registered with it (its
// global registry on globalThis), and tracing is on once a provider is.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { Tracing } from '../../src/instrumentation/opentelemetry.js'

const require = createRequire(import.meta.url)
const apiLoaded = () => Object.keys(require.cache).some((k) => k.includes(`${'@opentelemetry'}/api/`))
const config = { 'opentelemetry.tracing': 'auto', 'client.id': 'test' } as Parameters<typeof Tracing.of>[0]

test('"auto": nothing registered with OpenTelemetry, so tracing is off and @opentelemetry/api is not loaded; a registered provider turns it on', async () => {
  assert.equal(apiLoaded(), false, 'nothing in this process loaded the API yet')
  assert.equal(Tracing.of(config, 'g'), undefined)
  assert.equal(apiLoaded(), false, 'Tracing.of did not load the API')
  assert.equal(Tracing.of({ ...config, 'opentelemetry.tracing': true }) !== undefined, true, 'true: on with the global (no-op) provider, loading the API')
  assert.equal(apiLoaded(), true)
  // the API loaded but nothing registered: still off
  assert.equal(Tracing.of(config), undefined)
  const { registerTracing } = await import('../helpers/otel.js')
  const { provider } = registerTracing()
  try {
    assert.notEqual(Tracing.of(config, 'g'), undefined, 'a provider registered before the client: on')
  } finally {
    await provider.shutdown()
  }
})
