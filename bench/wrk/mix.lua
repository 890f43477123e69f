-- The soak's mix (bench/soak.sh): 70 % reads of a signal by id, 15 % filtered lists, 10 % creates,
-- 5 % sign-ins (a new session each). Every status is counted; anything but 2xx and a deliberate
-- 429 is an error. Env: PALERMO_COOKIE, PALERMO_CSRF, PALERMO_IDS (comma-separated signal ids),
-- PALERMO_LOGIN, PALERMO_PASSWORD.
local threads = {}
function setup(thread) table.insert(threads, thread) end

local ids, n = {}, 0
local cookie, csrf = os.getenv("PALERMO_COOKIE"), os.getenv("PALERMO_CSRF")
local login_body = string.format('{"login":"%s","password":"%s"}', os.getenv("PALERMO_LOGIN"), os.getenv("PALERMO_PASSWORD"))
local sources = {"hotline_152", "hotline_116_111", "ngo", "police_operation", "border_service"}

function init(args)
  statuses = {}
  for id in string.gmatch(os.getenv("PALERMO_IDS") or "", "%d+") do table.insert(ids, id) end
  n = math.random(1, 1000000)
end

function request()
  n = n + 1
  local pick = n % 20
  local auth = {["Cookie"] = cookie}
  if pick < 14 then
    return wrk.format("GET", "/api/v1/records/signal/" .. ids[n % #ids + 1], auth)
  elseif pick < 17 then
    local month = n % 12 + 1
    return wrk.format("GET", string.format(
      "/api/v1/records/signal?source=%s&received_at[gte]=2019-%02d-01&sort=-received_at&limit=50",
      sources[n % 5 + 1], month), auth)
  elseif pick < 19 then
    local h = {["Cookie"] = cookie, ["X-CSRF-Token"] = csrf, ["Content-Type"] = "application/json"}
    local body = string.format('{"received_at":"2019-%02d-%02dT10:00:00Z","source":"%s","summary":"Soak signal %d"}',
      n % 12 + 1, n % 28 + 1, sources[n % 5 + 1], n)
    return wrk.format("POST", "/api/v1/records/signal", h, body)
  else
    return wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"}, login_body)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("statuses")) do all[code] = (all[code] or 0) + count end
  end
  for code, count in pairs(all) do io.write(string.format("status %d %d\n", code, count)) end
  io.write(string.format("latency_ms p50 %.2f p90 %.2f p99 %.2f max %.2f\n", latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("socket_errors connect %d read %d write %d timeout %d\n", summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout))
end
