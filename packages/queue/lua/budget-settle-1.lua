--[[
  Settles a request's reservation exactly once: the reservation is removed, reserved -= it and spent += the
  actual cost. A second settlement of the same request (a redelivered outbox entry, a retried release) finds no
  reservation and changes nothing. Amounts are integer microcents (1e-8 USD).

  KEYS[1] the tenant's month       ({prefix}:tenant:<tenant>:budget:<YYYY-MM>, see budget-reserve-2.lua)

  ARGV[1] request id
  ARGV[2] actual cost, microcents; "" to charge the whole reservation (the cost is unknown, e.g. the record
          expired), "0" to release it (failed, cancelled, never accepted)
  ARGV[3] TTL of the month's hash, seconds (refreshed)

  Returns  1 settled
           0 nothing reserved under this request id (already settled, or never reserved)
]]
local field = "reservation:" .. ARGV[1]
local reservedText = redis.call("HGET", KEYS[1], field)
if not reservedText then return 0 end

local amount = tonumber(reservedText)
local charge = amount
if ARGV[2] ~= "" then charge = tonumber(ARGV[2]) end

redis.call("HDEL", KEYS[1], field)
-- string.format("%d") keeps large integers out of Lua's "%.14g" number-to-string conversion.
redis.call("HINCRBY", KEYS[1], "reservedMicrocents", string.format("%d", -amount))
if charge > 0 then redis.call("HINCRBY", KEYS[1], "spentMicrocents", string.format("%d", charge)) end
redis.call("EXPIRE", KEYS[1], ARGV[3])
return 1
