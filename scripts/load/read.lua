-- One reader for scripts/bench's live-load runs: wrk requests one page over
-- and over on one connection; at the end this prints one line that
-- scripts/bench reads: requests, seconds, failures, and latency p50, p95 and
-- p99 in milliseconds.
done = function(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("result %d %.3f %d %.2f %.2f %.2f\n",
    summary.requests, summary.duration / 1e6, failed,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
