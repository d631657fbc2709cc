/**
 * Tracing hooks through `node:diagnostics_channel`. Publishing is skipped when
 * nobody subscribes, so they cost nothing unless used. Messages never carry
 * request bodies or credentials.
 *
 * - `samsa:request`  { broker, nodeId, api, version, correlationId, size }
 * - `samsa:response` { broker, nodeId, api, version, correlationId, size }
 */
import diagnostics from 'node:diagnostics_channel'

export const channels = {
  request: diagnostics.channel('samsa:request'),
  response: diagnostics.channel('samsa:response'),
}
