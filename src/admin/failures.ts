/**
 * How an admin call reports per-resource failures: one failure is thrown as
 * it is (the broker's `type` and `code`, the resource in its message and
 * context); several become one KafkaError whose `type`/`code` are the first
 * failure's and whose `context.errors` holds every failure.
 */
import { KafkaError } from '../errors.js'

export function throwFailures(what: string, failures: KafkaError[], noun = 'resources'): void {
  if (failures.length === 0) return
  if (failures.length === 1) throw failures[0]
  const first = failures[0]!
  throw new KafkaError(`${what} failed for ${failures.length} ${noun}: ${failures.map((f) => f.message).join('; ')}`, {
    type: first.type,
    ...(first.code !== undefined ? { code: first.code } : {}),
    context: { errors: failures },
  })
}
