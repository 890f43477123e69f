-- GET a random existing signal by id. Env: PALERMO_COOKIE, PALERMO_MAX_ID.
local max_id = tonumber(os.getenv("PALERMO_MAX_ID"))
wrk.headers["Cookie"] = os.getenv("PALERMO_COOKIE")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/records/signal/" .. math.random(1, max_id) .. "?fields=received_at,source,summary")
end
