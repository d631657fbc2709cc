// Shared by the Java reference drivers: runs one of Kafka's own perf-test
// tools (org.apache.kafka.tools.*, from .bench/java/<version>/, fetched by
// bench/setup.sh) under GNU time, which reports the JVM's user+system CPU and
// peak RSS. JVM start-up, class loading and connecting are not part of the
// clients' work: each cell first runs the same tool for 1 record and charges
// the run only the CPU above that baseline (the consumer driver of our own,
// bench/java/BenchConsumer.java, measures its CPU inside the JVM instead).
import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { REPO_ROOT, Unavailable } from '../../lib/driver.js'
import type { Job } from '../../lib/job.js'

export interface JavaRun { stdout: string, cpuUs: number, rssMb: number }

export function javaLibs (job: Job): string {
  const dir = path.join(REPO_ROOT, '.bench', 'java', job.kafkaVersion)
  if (!fs.existsSync(path.join(dir, '.complete'))) throw new Unavailable(`kafka-tools ${job.kafkaVersion} is not fetched (run: bash bench/setup.sh)`)
  return dir
}

const jdkTool = (name: string): string => process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', name) : name

/**
 * Compiles bench/java/<name>.java against the fetched jars into the run's work
 * folder (beside job.resultFile, removed with it), once per source version;
 * returns the folder of its classes.
 */
export function compileJava (job: Job, name: string): string {
  const libs = javaLibs(job)
  const source = path.join(REPO_ROOT, 'bench', 'java', `${name}.java`)
  const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex').slice(0, 12)
  const out = path.join(path.dirname(job.resultFile), 'java-classes', `${name}-${hash}`)
  if (fs.existsSync(path.join(out, `${name}.class`))) return out
  const tmp = `${out}.${process.pid}`
  fs.rmSync(tmp, { recursive: true, force: true })
  const r = spawnSync(jdkTool('javac'), ['-nowarn', '-cp', `${libs}/*`, '-d', tmp, source], { encoding: 'utf8' })
  if (r.error) throw new Unavailable(`javac is not available: ${r.error.message}`)
  if (r.status !== 0) throw new Error(`javac ${source} failed:\n${r.stdout}${r.stderr}`)
  fs.rmSync(out, { recursive: true, force: true })
  fs.renameSync(tmp, out)
  return out
}

/** Runs mainClass from the fetched jars (and `classes`, a folder of our own classes) under GNU time. */
export function runTool (job: Job, mainClass: string, args: string[], classes?: string): Promise<JavaRun> {
  const libs = javaLibs(job)
  const timeFile = `${job.resultFile}.time`
  const argv = ['-f', '%U %S %M', '-o', timeFile, jdkTool('java'), '-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true',
    '-cp', classes ? `${classes}${path.delimiter}${libs}/*` : `${libs}/*`, mainClass, ...args]
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += String(d) })
    child.stderr.on('data', (d) => { stderr += String(d) })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) { reject(new Error(`${mainClass} exited with ${code}\n${stdout}\n${stderr}`)); return }
      const [user, sys, maxKb] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number)
      fs.rmSync(timeFile, { force: true })
      resolve({ stdout, cpuUs: Math.round((user! + sys!) * 1e6), rssMb: maxKb! / 1024 })
    })
  })
}
