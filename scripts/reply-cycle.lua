-- wrk script: each connection plays late-again to its ending again and again: create a session,
-- then post the six replies that end it (choice 1 five times, then 2), then start over.
-- Run with as many threads as connections, so each thread drives one connection in order.
local token, id, turn
local choices = {1, 1, 1, 1, 1, 2}
local failures = 0

function init(args)
  token = args[1]
end

local function headers()
  return {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
end

function request()
  if id == nil then
    return wrk.format("POST", "/api/v1/sessions", headers(), '{"scenario":"late-again"}')
  end
  local body = string.format('{"turn":%d,"choice":%d}', turn, choices[turn])
  return wrk.format("POST", "/api/v1/sessions/" .. id .. "/replies", headers(), body)
end

function response(status, _, body)
  if id == nil then
    id = body:match('"id":"(%x+)"')
    turn = 1
    if status ~= 201 or id == nil then failures = failures + 1 end
    return
  end
  if status ~= 200 then failures = failures + 1 end
  turn = turn + 1
  if turn > #choices then id = nil end
end

function done(summary)
  io.write(string.format("non-2xx or unexpected answers: %d of %d requests\n",
    summary.errors.status, summary.requests))
end
