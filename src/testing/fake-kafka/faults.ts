/**
 * Faults a test asks for: fail the next N requests of an API with an error
 * code, delay its responses, or drop the connection that sends it. The
 * connection consults `take` for every request.
 */
export type FaultAction =
  | { kind: 'fail', errorCode: number }
  | { kind: 'delay', ms: number }
  | { kind: 'drop' }

interface Rule {
  apiKey: number
  action: FaultAction
  remaining: number
  nodeId: number | undefined
}

export class Faults {
  private rules: Rule[] = []

  add (apiKey: number, action: FaultAction, times: number, nodeId?: number): void {
    this.rules.push({ apiKey, action, remaining: times, nodeId })
  }

  /** The faults that apply to this request (each rule's count goes down by one). */
  take (apiKey: number, nodeId: number): FaultAction[] {
    const out: FaultAction[] = []
    for (const rule of this.rules) {
      if (rule.apiKey !== apiKey || rule.remaining <= 0) continue
      if (rule.nodeId !== undefined && rule.nodeId !== nodeId) continue
      // one outcome per request (failed or dropped, delayed or not): a later fail or drop waits for
      // the next request, so failNext(api, e) then dropNext(api) fails one request and drops the next
      if (rule.action.kind !== 'delay' && out.some((a) => a.kind !== 'delay')) continue
      rule.remaining--
      out.push(rule.action)
    }
    this.rules = this.rules.filter((r) => r.remaining > 0)
    return out
  }

  clear (): void { this.rules = [] }
}
