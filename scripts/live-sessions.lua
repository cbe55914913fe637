-- wrk script: creates sessions and answers their first turn, until each thread has made its share
-- of LIVE (default 10,000) sessions; after that it only asks /healthz, so the server idles.
local token, id
made, share = 0, 0

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  share = math.ceil(tonumber(args[2] or "10000") / tonumber(args[3] or "64"))
end

local function headers()
  return {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
end

function request()
  if made >= share then return wrk.format("GET", "/healthz") end
  if id == nil then
    return wrk.format("POST", "/api/v1/sessions", headers(), '{"scenario":"late-again"}')
  end
  return wrk.format("POST", "/api/v1/sessions/" .. id .. "/replies", headers(), '{"turn":1,"choice":1}')
end

function response(status, _, body)
  if made >= share then return end
  if id == nil then
    id = body:match('"id":"(%x+)"')
  else
    id = nil
    made = made + 1
  end
end

function done()
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("made") end
  io.write(string.format("live sessions created: %d\n", total))
end
