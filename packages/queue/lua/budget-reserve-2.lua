--[[
  Reserves a request's worst-case cost against its tenant's monthly budget, atomically: refused when
  spent + reserved + estimate would pass the limit, else reserved += estimate and the reservation is remembered
  under the request id (for settlement, see budget-settle-1.lua). Amounts are integer microcents (1e-8 USD),
  so sums are exact. Reserving twice for one request id changes nothing the second time.

  KEYS[1] the tenant's month       ({prefix}:tenant:<tenant>:budget:<YYYY-MM>, a hash: spentMicrocents,
                                    reservedMicrocents, reservation:<request id> → microcents)
  KEYS[2] the tenant's limit override set by an admin ({prefix}:tenant:<tenant>:budget-limit, microcents)

  ARGV[1] request id
  ARGV[2] estimate, microcents (a non-negative integer)
  ARGV[3] the configured limit, microcents, or "" for none (the override wins when set)
  ARGV[4] TTL of the month's hash, seconds (refreshed on every write)

  Returns {1, spent, reserved, limit} granted (reserved includes this estimate; limit -1 when none)
          {0, spent, reserved, limit} refused (nothing changed)
]]
local spent = tonumber(redis.call("HGET", KEYS[1], "spentMicrocents") or "0")
local reserved = tonumber(redis.call("HGET", KEYS[1], "reservedMicrocents") or "0")
local limitText = redis.call("GET", KEYS[2]) or ARGV[3]
local limit = -1
if limitText ~= "" then limit = tonumber(limitText) end

local field = "reservation:" .. ARGV[1]
if redis.call("HEXISTS", KEYS[1], field) == 1 then return {1, spent, reserved, limit} end

local estimate = tonumber(ARGV[2])
if limit >= 0 and spent + reserved + estimate > limit then return {0, spent, reserved, limit} end

redis.call("HINCRBY", KEYS[1], "reservedMicrocents", ARGV[2])
redis.call("HSET", KEYS[1], field, ARGV[2])
redis.call("EXPIRE", KEYS[1], ARGV[4])
return {1, spent, reserved + estimate, limit}
