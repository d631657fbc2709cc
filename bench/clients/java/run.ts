// Shared by the Java reference drivers: runs one of Kafka's own perf-test
// tools (org.apache.kafka.tools.*, from .bench/java/<version>/, fetched by
// bench/setup.sh) under GNU time, which reports the JVM's user+system CPU and
// peak RSS. JVM start-up, class loading and connecting are not part of the
// clients' work: each cell first runs the same tool for 1 record and charges
// the run only the CPU above that baseline.
import { spawn } from 'node:child_process'
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

export function runTool (job: Job, mainClass: string, args: string[]): Promise<JavaRun> {
  const libs = javaLibs(job)
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java'
  const timeFile = `${job.resultFile}.time`
  const argv = ['-f', '%U %S %M', '-o', timeFile, java, '-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true',
    '-cp', `${libs}/*`, mainClass, ...args]
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
