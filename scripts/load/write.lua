-- Write throughput for scripts/bench: each request posts one ICS-level
-- reading through the API, as a partner system does. Requests spread over
-- metrics, ICSs and past quarters (KEYS distinct readings), so concurrent
-- writers mostly change different rows, as partners in a submission window do.
local metrics = { "m_liaison_1h", "m_core24_eds", "m_s136_to_ed", "m_s136_detentions",
  "m_hbpos_open", "m_mhjrc_days", "m_mha_detention_rate", "m_advance_care_plans" }
local icss = { "NCL", "NEL", "NWL", "SEL", "SWL" }
local quarters = { "2023-24-Q1", "2023-24-Q2", "2023-24-Q3", "2023-24-Q4",
  "2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4" }
local threads = {}
local counter = 0
local id = 0

setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local n = counter * 7 + id * 100003
  local metric = metrics[n % #metrics + 1]
  local ics = icss[math.floor(n / #metrics) % #icss + 1]
  local quarter = quarters[math.floor(n / (#metrics * #icss)) % #quarters + 1]
  -- A whole number from 10 to 89: every metric in the list takes it (counts
  -- must be whole, percentages at most 100).
  local value = 10 + (n + counter) % 80
  local body = string.format('[{"metric":"%s","ics":"%s","period":"%s","value":%d}]', metric, ics, quarter, value)
  return wrk.format("POST", "/api/v1/readings",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer demo-token-board" }, body)
end

done = function(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("result %d %.3f %d %.2f %.2f %.2f\n",
    summary.requests, summary.duration / 1e6, failed,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
