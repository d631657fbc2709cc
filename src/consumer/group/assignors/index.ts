/** The classic protocol's assignors by name, and the rebalance protocol a list of them allows. */
import type { AssignorName } from '../../../config/consumer.js'
import type { Assignor, RebalanceProtocol } from './assignor.js'
import { cooperativeStickyAssignor } from './cooperative-sticky.js'
import { kafkaJsRoundRobinAssignor } from './kafkajs-roundrobin.js'
import { rangeAssignor } from './range.js'
import { roundRobinAssignor } from './roundrobin.js'

export { cooperativeAdjust } from './cooperative-sticky.js'
export { protocolNameOf } from './assignor.js'
export type { Assignor, MemberSubscription, RebalanceProtocol } from './assignor.js'

export const ASSIGNOR_BY_NAME: Record<AssignorName, Assignor> = {
  'range': rangeAssignor,
  'roundrobin': roundRobinAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
  'kafkajs-roundrobin': kafkaJsRoundRobinAssignor,
}

/** Java's rule: the best protocol every configured assignor supports (cooperative only when all do). */
export function rebalanceProtocol(assignors: readonly Assignor[]): RebalanceProtocol {
  return assignors.every((a) => a.protocols.includes('cooperative')) ? 'cooperative' : 'eager'
}
