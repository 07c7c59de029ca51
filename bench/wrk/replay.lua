-- Replays the requests listed in $BENCH_REQUESTS, one per line:
--   METHOD <TAB> PATH [<TAB> JSON BODY]
-- round-robin, each wrk thread starting at a different line, each request signed
-- with a bearer token taken in turn from $BENCH_TOKENS (a file, one per line) when
-- set, so the load comes from many users as in production (per-user throttles). Counts responses by
-- status and prints one line `BENCH_RESULT {json}` when the run ends, which
-- bench/run.py parses. Used for every scenario: sign-in and create POST JSON
-- bodies; list, filtered list and detail rotate over GET paths.

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local lines, tokens = {}, {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    if method then
      table.insert(lines, { method, path, body ~= "" and body or nil })
    end
  end
  local token_file = os.getenv("BENCH_TOKENS")
  if token_file and token_file ~= "" then
    for token in io.lines(token_file) do
      if token ~= "" then table.insert(tokens, token) end
    end
  end
  prepared = {}
  for i = 1, math.max(#lines, #tokens) do
    local request = lines[(i - 1) % #lines + 1]
    local headers = { ["Accept"] = "application/json", ["Content-Type"] = "application/json" }
    if #tokens > 0 then
      headers["Authorization"] = "Bearer " .. tokens[(i - 1) % #tokens + 1]
    end
    table.insert(prepared, wrk.format(request[1], request[2], headers, request[3]))
  end
  if #prepared == 0 then
    error("no requests in " .. tostring(os.getenv("BENCH_REQUESTS")))
  end
  cursor = (thread_id * 7919) % #prepared
  statuses = {}
end

function request()
  cursor = cursor % #prepared + 1
  return prepared[cursor]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"duration_us": %d, "requests": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "mean": %.1f, "max": %d}, ' ..
    '"statuses": {%s}}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    table.concat(parts, ", ")))
end
