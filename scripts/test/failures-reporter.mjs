// A node:test reporter that writes one short line per failed test (file, test
// name, first line of the error) and nothing else. scripts/test.ts runs it
// beside the usual TAP output so that a long run ends with the list of what
// failed, where a CI log's tail shows it.

export default async function * failuresReporter (source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue
    const data = event.data
    const error = data.details?.error
    // a failing subtest also fails its parent; report the innermost one only
    if (error?.failureType === 'subtestsFailed') continue
    // a failing `todo` test is expected to fail and does not fail the run
    if (data.todo !== undefined && data.todo !== false) continue
    const cause = error?.cause ?? error
    const message = String(cause?.message ?? cause ?? 'failed').split('\n')[0].slice(0, 300)
    const where = data.file ? `${data.file.replace(process.cwd() + '/', '')}: ` : ''
    yield `not ok ${where}${data.name} — ${message}\n`
  }
}
