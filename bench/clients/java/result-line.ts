/**
 * The result line our Java drivers print (bench/java/Bench*.java): the last
 * line of stdout that starts with '{', a JSON object whose `fields` are all
 * finite numbers. Throws, naming the driver, on anything else.
 */
export function parseResultLine<T> (stdout: string, driver: string, fields: readonly (keyof T & string)[]): { value: T, line: string } {
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()
  if (!line) throw new Error(`no result line in ${driver}'s output:\n${stdout}`)
  const out = JSON.parse(line) as Record<string, unknown>
  for (const f of fields) {
    if (typeof out[f] !== 'number' || !Number.isFinite(out[f])) throw new Error(`${driver}'s result has no ${f}: ${line}`)
  }
  return { value: out as unknown as T, line }
}
