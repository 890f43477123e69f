-- POST one new signal per request (durable create with its history and audit entry).
-- Env: PALERMO_COOKIE, PALERMO_CSRF.
local counter = 0
local sources = {"hotline_152", "hotline_116_111", "ngo", "police_operation", "border_service"}
-- Codes of schema/lists/region.yaml (a region is a unit of the country's list).
local regions = {"baku", "ganja", "sumgait", "lankaran", "shaki", "mingachevir", "masally", "guba", "shirvan",
                 "barda", "jalilabad", "khachmaz", "yevlakh", "nakhchivan"}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("PALERMO_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("PALERMO_CSRF")
request = function()
  counter = counter + 1
  local body = string.format(
    '{"received_at":"2019-%02d-%02dT10:00:00Z","source":"%s","summary":"Benchmark signal %d","region":"%s"}',
    counter % 12 + 1, counter % 28 + 1, sources[counter % 5 + 1], counter, regions[counter % 14 + 1])
  return wrk.format(nil, "/api/v1/records/signal", nil, body)
end
