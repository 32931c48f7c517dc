// Work-off benchmark of pg-boss, measured as jobstream's bench/run.sh measures itself:
//   warm-up:    WARM (5000) jobs enqueued and worked off by the running workers (JIT, caches, pools);
//   end to end: JOBS (20000) no-op jobs enqueued with insert() in chunks of BATCH while the workers run;
//               figure = JOBS / (last completed_on - first created_on), from the database;
//   drain:      the workers stopped (offWork), JOBS jobs enqueued, the workers started again;
//               figure = JOBS / (time from the workers' start to the last completion).
//
// Connection: standard libpq env vars PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD.
// Knobs (env): JOBS (20000), WARM (5000), BATCH (1000), WORKERS (4), TIMEOUT_S (120),
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
const WARM = intEnv('WARM', 5000)
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
  const countSql = `
    SELECT count(*) FILTER (WHERE state = 'completed') AS completed,
           count(*) FILTER (WHERE state = 'failed') AS failed
      FROM ${SCHEMA}.job WHERE name = $1 AND data->>'phase' = $2`
  const enqueue = async (phase, count) => {
    for (let i = 0; i < count; i += BATCH) {
      const n = Math.min(BATCH, count - i)
      const chunk = new Array(n)
      for (let k = 0; k < n; k++) chunk[k] = { data: { phase, i: i + k } }
      await boss.insert(QUEUE, chunk)
    }
  }
  const startWorkers = async () => {
    for (let w = 0; w < WORKERS; w++) {
      // the handler receives an array of up to batchSize jobs; pg-boss completes the batch when it resolves
      await boss.work(QUEUE, { batchSize: BATCH, pollingIntervalSeconds: POLL_S, burstWhenBatchFull: BURST },
        async () => {})
    }
  }
  // complete() is fire-and-forget inside pg-boss, so the database is the only reliable signal
  const awaitCompleted = async (phase, count) => {
    const deadline = process.hrtime.bigint() + BigInt(Math.round(TIMEOUT_S * 1e9))
    for (;;) {
      const { rows } = await admin.query(countSql, [QUEUE, phase])
      const completed = Number(rows[0].completed)
      const failed = Number(rows[0].failed)
      if (completed >= count) return
      if (failed > 0) throw new Error(`${phase}: ${failed} jobs failed (completed ${completed}/${count})`)
      if (process.hrtime.bigint() > deadline) {
        throw new Error(`${phase}: timeout after ${TIMEOUT_S}s: completed ${completed}/${count}`)
      }
      await sleep(CHECK_MS)
    }
  }
  const span = async (phase, from) => {
    const { rows: [row] } = await admin.query(
      `SELECT extract(epoch FROM max(completed_on) - min(${from}))::float8 AS s
         FROM ${SCHEMA}.job WHERE name = $1 AND data->>'phase' = $2`, [QUEUE, phase])
    return Number(row.s)
  }
  try {
    await startWorkers()
    await enqueue('warm', WARM)
    await awaitCompleted('warm', WARM)

    // end to end: enqueue while the workers run
    await enqueue('run', JOBS)
    await awaitCompleted('run', JOBS)
    const endToEndS = await span('run', 'created_on')

    // drain: the queue filled while no worker runs, then worked off
    await boss.offWork(QUEUE)
    const enqStart = process.hrtime.bigint()
    await enqueue('drain', JOBS)
    const enqEnd = process.hrtime.bigint()
    const workStart = process.hrtime.bigint()
    await startWorkers()
    await awaitCompleted('drain', JOBS)
    const drainS = await span('drain', 'created_on') - secs(enqStart, workStart)

    process.stdout.write(JSON.stringify({
      system: 'pg-boss',
      version: VERSION,
      jobs: JOBS,
      warm: WARM,
      batch: BATCH,
      workers: WORKERS,
      burst: BURST,
      end_to_end_s: round3(endToEndS),
      end_to_end_per_s: Math.round(JOBS / endToEndS),
      enqueue_s: round3(secs(enqStart, enqEnd)),
      drain_s: round3(drainS),
      drain_per_s: Math.round(JOBS / drainS)
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
