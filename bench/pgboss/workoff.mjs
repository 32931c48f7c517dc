// Work-off benchmark of pg-boss: enqueue JOBS no-op jobs, then measure how long WORKERS
// workers (batchSize BATCH) need until all of them are completed in the database.
//
// Connection: standard libpq env vars PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD.
// Knobs (env): JOBS (20000), BATCH (1000), WORKERS (4), TIMEOUT_S (120),
//              POLL_S (0.5, pg-boss worker polling interval; 0.5 is the minimum it allows),
//              BURST (1: burstWhenBatchFull, a worker fetches again at once after a full batch; 0: off),
//              SCHEMA (pgboss_bench; dropped and recreated on every run).
// Output: exactly one JSON line on stdout; diagnostics go to stderr.
import { createRequire } from 'node:module'
import pg from 'pg'
import { PgBoss } from 'pg-boss'

const require = createRequire(import.meta.url)
const VERSION = require('pg-boss/package.json').version

const intEnv = (name, def) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return def
  const n = Number(raw)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return n
}
const numEnv = (name, def) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return def
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${raw}`)
  return n
}

const JOBS = intEnv('JOBS', 20000)
const BATCH = intEnv('BATCH', 1000)
const WORKERS = intEnv('WORKERS', 4)
const TIMEOUT_S = numEnv('TIMEOUT_S', 120)
const POLL_S = numEnv('POLL_S', 0.5)
const BURST = process.env.BURST !== '0'
const SCHEMA = process.env.SCHEMA || 'pgboss_bench'
const QUEUE = 'bench-noop'
const CHECK_MS = 50 // how often the benchmark itself counts completed jobs

if (!/^[a-z_][a-z0-9_]*$/.test(SCHEMA)) throw new Error(`SCHEMA must be a plain lower-case identifier, got ${SCHEMA}`)

const conn = {
  host: process.env.PGHOST || 'localhost',
  port: Number(process.env.PGPORT || 5432),
  database: process.env.PGDATABASE,
  user: process.env.PGUSER,
  password: process.env.PGPASSWORD
}

const log = (...args) => console.error('[pgboss-bench]', ...args)
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const secs = (fromNs, toNs) => Number(toNs - fromNs) / 1e9
const round3 = x => Math.round(x * 1000) / 1000

// Last-resort guard: whatever hangs (connect, stop, ...), the process ends non-zero.
const hardTimer = setTimeout(() => {
  log(`hard timeout after ${TIMEOUT_S + 60}s, exiting`)
  process.exit(3)
}, (TIMEOUT_S + 60) * 1000)
hardTimer.unref()

async function main () {
  // 1. Clean slate: drop everything a previous run left behind.
  const admin = new pg.Client(conn)
  await admin.connect()
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)

  const boss = new PgBoss({ ...conn, schema: SCHEMA })
  boss.on('error', err => log('pg-boss error:', err?.message ?? err))
  await boss.start()
  await boss.createQueue(QUEUE)

  let exitCode = 0
  try {
    // 2. Enqueue (timed separately, not part of the work-off figure).
    const enqStart = process.hrtime.bigint()
    for (let i = 0; i < JOBS; i += BATCH) {
      const n = Math.min(BATCH, JOBS - i)
      const chunk = new Array(n)
      for (let k = 0; k < n; k++) chunk[k] = { data: { i: i + k } }
      await boss.insert(QUEUE, chunk)
    }
    const enqEnd = process.hrtime.bigint()
    const { rows: [{ queued: queuedText }] } = await admin.query(
      `SELECT count(*) AS queued FROM ${SCHEMA}.job WHERE name = $1 AND state = 'created'`, [QUEUE])
    const queued = Number(queuedText)
    if (queued !== JOBS) throw new Error(`expected ${JOBS} queued jobs, found ${queued}`)

    const countSql = `
      SELECT count(*) FILTER (WHERE state = 'completed') AS completed,
             count(*) FILTER (WHERE state = 'failed') AS failed
        FROM ${SCHEMA}.job WHERE name = $1`

    // 3. Workers: no-op handler (the handler receives an array of up to batchSize jobs; pg-boss
    //    completes the whole batch when the returned promise resolves).
    const workStart = process.hrtime.bigint()
    for (let w = 0; w < WORKERS; w++) {
      await boss.work(QUEUE, { batchSize: BATCH, pollingIntervalSeconds: POLL_S, burstWhenBatchFull: BURST },
        async () => {})
    }

    // 4. Wait until every job is 'completed' in the database (complete() is fire-and-forget
    //    inside pg-boss, so the DB is the only reliable signal).
    const deadline = workStart + BigInt(Math.round(TIMEOUT_S * 1e9))
    let completed = 0
    let failed = 0
    for (;;) {
      const { rows } = await admin.query(countSql, [QUEUE])
      completed = Number(rows[0].completed)
      failed = Number(rows[0].failed)
      if (completed >= JOBS) break
      if (failed > 0) throw new Error(`${failed} jobs failed (completed ${completed}/${JOBS})`)
      if (process.hrtime.bigint() > deadline) {
        throw new Error(`timeout after ${TIMEOUT_S}s: completed ${completed}/${JOBS}`)
      }
      await sleep(CHECK_MS)
    }
    const workEnd = process.hrtime.bigint()

    const enqueueS = secs(enqStart, enqEnd)
    const workoffS = secs(workStart, workEnd)
    process.stdout.write(JSON.stringify({
      system: 'pg-boss',
      version: VERSION,
      jobs: JOBS,
      batch: BATCH,
      workers: WORKERS,
      burst: BURST,
      enqueue_s: round3(enqueueS),
      workoff_s: round3(workoffS),
      runs_per_s: Math.round(JOBS / workoffS)
    }) + '\n')
  } catch (err) {
    log('FAILED:', err?.message ?? err)
    exitCode = 1
  } finally {
    try {
      await boss.stop({ graceful: exitCode === 0, timeout: 5000 })
    } catch (err) {
      log('stop failed:', err?.message ?? err)
    }
    await admin.end().catch(() => {})
  }
  return exitCode
}

main().then(
  code => process.exit(code),
  err => { log('FAILED:', err?.stack ?? err); process.exit(1) }
)
