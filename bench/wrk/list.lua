-- Filtered list: signals of one source received in one month, newest first, 50 a page.
local sources = {"hotline_152", "hotline_116_111", "ngo", "police_operation", "border_service"}
wrk.headers["Cookie"] = os.getenv("PALERMO_COOKIE")
local n = 0
request = function()
  n = n + 1
  local month = n % 12 + 1
  return wrk.format("GET", string.format(
    "/api/v1/records/signal?source=%s&received_at[gte]=2019-%02d-01&received_at[lt]=2019-%02d-28&sort=-received_at&limit=50",
    sources[n % 5 + 1], month, month))
end
done = function(summary, latency, requests)
  io.write(string.format("p95_ms %.2f\n", latency:percentile(95) / 1000))
end
