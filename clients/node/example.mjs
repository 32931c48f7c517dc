// An example worker: executes runs of one job — the reports.export of docs/workers.md — each going through `days` (its param)
// with `delay_ms` between them, with a log line and progress for each and a checkpoint before each (so pause, resume
// and cancel act between days).
//
//   JOBSTREAM_URL=http://localhost:8080 JOBSTREAM_TOKEN=… node example.mjs reports.export [--worker id] [--runs N]
//
// It prints a JSON line as each run ends ({"runId", "job", "outcome"}), and stops after N runs, or on SIGTERM
// (closing: it claims no more and ends the runs in hand).
import { JobstreamWorker } from './jobstream-worker.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const job = args[0];
const maxRuns = option('--runs') === undefined ? Infinity : Number(option('--runs'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const worker = new JobstreamWorker(process.env.JOBSTREAM_URL, {
  token: process.env.JOBSTREAM_TOKEN,
  workerId: option('--worker') ?? `example-${process.pid}`,
  pollWaitSeconds: 5,
  reportEveryMs: 200,
  jobs: {
    [job]: async (run) => {
      const days = run.params.days ?? 3;
      for (let day = 1; day <= days; day++) {
        await run.checkpoint();
        run.info(`day ${day} of ${days}`);
        run.progress(day, days);
        await sleep(run.params.delay_ms ?? 50);
      }
      return { days, dry_run: run.dryRun };
    },
  },
});

let ended = 0;
worker.addEventListener('claim', (e) => console.log(JSON.stringify({ claimed: e.detail.runId })));
worker.addEventListener('end', async (e) => {
  console.log(JSON.stringify(e.detail));
  if (++ended >= maxRuns) await worker.close();
});
worker.onerror = (e) => console.error(`worker: ${e.detail?.message ?? e.detail}`);
process.on('SIGTERM', () => worker.close());
