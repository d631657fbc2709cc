// A node:test reporter that writes one short line per failed test (file, test
// name, first line of the error) and nothing else. scripts/test.ts runs it
// beside the usual TAP output so that a long run ends with the list of what
// failed, where a CI log's tail shows it.
//
// node --test holds a whole FILE to --test-timeout as well as each test in it,
// and a file that times out is reported under its own path only: the test that
// was still running is killed with the file and never reported. So the reporter
// keeps, per file, the tests that have started and not finished, and names them
// on the file's line. (Events of a file come in bursts from its process, so the
// time they arrive says nothing about how long a test ran; their durations
// do: the line also says how long the finished tests took, and the slowest.)

export default async function * failuresReporter (source) {
  /** file -> names of the tests dequeued (started) and not yet complete, outermost first */
  const running = new Map()
  /** file -> { count, ms, slowest: { name, ms } } of its finished top-level tests */
  const finished = new Map()
  for await (const event of source) {
    const data = event.data
    if (event.type === 'test:dequeue' || event.type === 'test:complete') {
      if (data.file === undefined || data.name === data.file) continue
      const list = running.get(data.file) ?? []
      if (event.type === 'test:dequeue') list.push({ name: data.name, nesting: data.nesting })
      else {
        const i = list.findLastIndex((t) => t.name === data.name && t.nesting === data.nesting)
        if (i >= 0) list.splice(i, 1)
        if (data.nesting === 0) {
          const ms = data.details?.duration_ms ?? 0
          const f = finished.get(data.file) ?? { count: 0, ms: 0, slowest: undefined }
          f.count++
          f.ms += ms
          if (f.slowest === undefined || ms > f.slowest.ms) f.slowest = { name: data.name, ms }
          finished.set(data.file, f)
        }
      }
      running.set(data.file, list)
      continue
    }
    if (event.type !== 'test:fail') continue
    const error = data.details?.error
    // a failing subtest also fails its parent; report the innermost one only
    if (error?.failureType === 'subtestsFailed') continue
    // a failing `todo` test is expected to fail and does not fail the run
    if (data.todo !== undefined && data.todo !== false) continue
    const cause = error?.cause ?? error
    let message = String(cause?.message ?? cause ?? 'failed').split('\n')[0].slice(0, 300)
    if (data.file !== undefined && data.name === data.file) {
      const list = running.get(data.file) ?? []
      // (a test's hooks count as the test: a hanging before() shows its first test)
      message += list.length === 0
        ? ' (no test of the file had started: the module itself)'
        : ` (started, not finished: ${list.map((t) => `"${t.name}"`).join(' > ')})`
      const f = finished.get(data.file)
      if (f !== undefined) message += `; ${f.count} finished test(s) took ${(f.ms / 1000).toFixed(1)} s, the slowest "${f.slowest.name}" ${(f.slowest.ms / 1000).toFixed(1)} s`
    }
    const where = data.file ? `${data.file.replace(process.cwd() + '/', '')}: ` : ''
    yield `not ok ${where}${data.name} — ${message}\n`
  }
}
