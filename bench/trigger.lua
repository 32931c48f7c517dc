-- wrk script: POST /v1/jobs/demo.sleep/runs, each request a new random workspace (so no exclusive conflicts).
-- Prints one JSON line with the figures when done.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("JOBSTREAM_TOKEN") or "bench-admin-token-0123456789abcdef")
end

local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  return wrk.format(nil, nil, nil, '{"workspace_id":"' .. uuid() .. '","params":{"items":0}}')
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format('{"requests":%d,"duration_s":%.2f,"rps":%.1f,"errors":%d,"p50_ms":%.2f,"p99_ms":%.2f}\n',
    summary.requests, seconds, summary.requests / seconds,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
