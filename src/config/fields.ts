/**
 * Building blocks for config schemas. Java `.properties` files give every value
 * as a string, so numeric and boolean fields also accept their string forms;
 * the parsed config always holds the real type.
 */
import { z } from 'zod'

const NUMERIC = /^-?\d+(\.\d+)?$/

function toNumber(v: unknown): unknown {
  if (typeof v === 'string' && NUMERIC.test(v.trim())) return Number(v.trim())
  if (typeof v === 'bigint') return Number(v)
  return v
}

/** An integer option (number or numeric string) within [min, max]. */
export function int(defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(
    toNumber,
    z
      .number({ error: `expected an integer from ${min} to ${max}` })
      .int({ error: `expected an integer from ${min} to ${max}` })
      .min(min, { error: `expected an integer >= ${min}` })
      .max(max, { error: `expected an integer <= ${max}` }),
  ).default(defaultValue)
}

/** A number option (number or numeric string) within [min, max]. */
export function num(defaultValue: number, min: number, max: number) {
  return z.preprocess(
    toNumber,
    z
      .number({ error: `expected a number from ${min} to ${max}` })
      .min(min, { error: `expected a number >= ${min}` })
      .max(max, { error: `expected a number <= ${max}` }),
  ).default(defaultValue)
}

/** A boolean option (true/false or "true"/"false"). */
export function bool(defaultValue: boolean) {
  return z
    .preprocess(
      (v) => (v === 'true' ? true : v === 'false' ? false : v),
      z.boolean({ error: 'expected true or false' }),
    )
    .default(defaultValue)
}

/** One of fixed string values (case-insensitive input, canonical output). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) {
  return z
    .preprocess(
      (v) => (typeof v === 'string' ? values.find((x) => x.toLowerCase() === v.toLowerCase()) ?? v : v),
      z.enum(values, { error: `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}` }),
    )
    .default(defaultValue as never)
}

export function str(defaultValue: string) {
  return z.string({ error: 'expected a string' }).default(defaultValue)
}

export function optionalStr() {
  return z.string({ error: 'expected a string' }).optional()
}

/** `bootstrap.servers`: "host:port,host:port" or an array of "host:port". */
export const bootstrapServers = z
  .union([z.string(), z.array(z.string())], { error: 'expected "host:port,host:port" or an array of "host:port" strings' })
  .transform((v, ctx) => {
    const list = (Array.isArray(v) ? v : v.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '')
    if (list.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected at least one "host:port" address' })
      return z.NEVER
    }
    const out: { host: string; port: number }[] = []
    for (const addr of list) {
      const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(addr)
      const port = m ? Number(m[2]) : NaN
      if (!m || !(port > 0 && port < 65536)) {
        ctx.addIssue({ code: 'custom', message: `"${addr}" is not "host:port" with a port from 1 to 65535` })
        return z.NEVER
      }
      out.push({ host: m[1]!, port })
    }
    return out
  })
