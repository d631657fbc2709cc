/**
 * The loop `samsa console-consumer` and `samsa console-share-consumer`
 * share: poll, print each record as one chunk of bytes, and stop after
 * `--max-messages`, after `--timeout-ms` without a record, on SIGINT/SIGTERM
 * (the consumer is woken up) or when stdout closes (EPIPE: a pipe into
 * `head`); then run the tool's `finish` (commit), close the consumer and
 * print "Processed a total of N messages" to stderr.
 *
 * Contract: `format` is called once for each record printed, in order, and
 * only while fewer than `maxMessages` were printed; records a poll returns
 * beyond that go to `beyondMax`. The consumer is closed whatever happens.
 */
import { WakeupError } from '../errors.js'
import { note, onStopSignal } from './tool.js'

export interface PrintSource<R> {
  poll(timeoutMs: number): Promise<Iterable<R>>
  wakeup(): void
  close(): Promise<void>
}

export interface PrintLoopOptions<R> {
  maxMessages: number | undefined
  timeoutMs: number | undefined
  /** Called once, before the first poll (subscribe, assign, seek). */
  start(): void
  /** The bytes to print for one record. */
  format(r: R): Buffer | Promise<Buffer>
  /** A record returned after `maxMessages` were printed (default: ignored). */
  beyondMax?(r: R): void
  /** After every poll (periodic commits). */
  afterPoll?(): Promise<void>
  /** After the loop ends normally (the last commit). */
  finish?(): Promise<void>
}

/** Runs the print loop over `consumer`; resolves with how many records were printed. */
export async function printRecords<R>(consumer: PrintSource<R>, o: PrintLoopOptions<R>): Promise<number> {
  let count = 0
  let stopped = false
  const stop = () => {
    stopped = true
    consumer.wakeup()
  }
  const onStdoutError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') stop()
  }
  const offStop = onStopSignal(stop)
  process.stdout.on('error', onStdoutError)
  const full = () => o.maxMessages !== undefined && count >= o.maxMessages
  try {
    o.start()
    let idleSince = Date.now()
    while (!stopped && !full()) {
      let records
      try {
        records = await consumer.poll(o.timeoutMs !== undefined ? Math.min(o.timeoutMs, 1000) : 1000)
      } catch (e) {
        if (e instanceof WakeupError) break
        throw e
      }
      const chunks: Buffer[] = []
      for (const r of records) {
        if (full()) {
          o.beyondMax?.(r)
          continue
        }
        chunks.push(await o.format(r))
        count++
      }
      if (chunks.length > 0) {
        idleSince = Date.now()
        await write(Buffer.concat(chunks))
      } else if (o.timeoutMs !== undefined && Date.now() - idleSince >= o.timeoutMs) {
        note(`No record for ${o.timeoutMs} ms (--timeout-ms): stopping.`)
        break
      }
      await o.afterPoll?.()
    }
    await o.finish?.()
  } finally {
    offStop()
    await consumer.close()
    process.stdout.off('error', onStdoutError)
    note(`Processed a total of ${count} messages`)
  }
  return count
}

/** Writes to stdout, resolving once it has taken the bytes (or has closed). */
export function write(b: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(b)) resolve()
    else {
      const done = () => {
        process.stdout.off('drain', done)
        process.stdout.off('close', done)
        resolve()
      }
      process.stdout.once('drain', done)
      process.stdout.once('close', done)
    }
  })
}
