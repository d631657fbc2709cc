// A node:test reporter that writes one line per test FILE: its wall time in
// seconds, its outcome, and its path. node --test holds each file, not only
// each test, to --test-timeout; scripts/test.ts prints the slowest files at the
// end of a run so that a file drifting towards that budget shows before it
// fails.

export default async function * fileTimesReporter (source) {
  for await (const event of source) {
    // a file's own result comes as test:complete (a passing file has no test:pass of its own)
    if (event.type !== 'test:complete') continue
    const data = event.data
    if (data.file === undefined || data.name !== data.file || data.nesting !== 0) continue
    const seconds = (data.details?.duration_ms ?? 0) / 1000
    yield `${seconds.toFixed(1)}\t${data.details?.passed === false ? 'failed' : 'ok'}\t${data.file.replace(process.cwd() + '/', '')}\n`
  }
}
