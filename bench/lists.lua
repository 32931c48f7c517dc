-- wrk script (bench/lists.sh, bench/stats.sh): GET $ENDPOINT (default /v1/runs), each request one of the queries in
-- the file $QUERIES (one a line, without the leading "?") at random, with the token $TOKEN. Prints one line when done:
-- requests, p50_ms, p99_ms, max_ms, errors (answers other than 2xx and socket errors), tab-separated.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local paths = {}

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  for line in io.lines(os.getenv("QUERIES")) do
    table.insert(paths, (os.getenv("ENDPOINT") or "/v1/runs") .. "?" .. line)
  end
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("%d\t%.1f\t%.1f\t%.1f\t%d\n", summary.requests, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status + e.connect + e.read + e.write + e.timeout))
end
