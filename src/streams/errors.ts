/** The errors of samsa/streams: KafkaErrors with type `STREAMS` or `TOPOLOGY`. */
import { KafkaError, type KafkaErrorOptions } from '../errors.js'

/** A topology that cannot run as built (a missing serde, an unknown store, a missing source topic). */
export class TopologyError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'TOPOLOGY', ...options })
  }
}

/** A failure of the running application (processing, producing, committing). */
export class StreamsError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'STREAMS', ...options })
  }
}
