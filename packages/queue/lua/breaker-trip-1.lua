--[[
  Opens a deployment's circuit at once, whatever its counts (e.g. the provider rejected our credentials).
  From closed this is "opened", from half_open "reopened" (the probe slot is dropped; its result will be
  ignored). An already open circuit is left alone, so late failures of calls that began before it opened
  cannot push its reset further out.

  KEYS[1] circuit hash             ({prefix}:deployment:<id>:breaker)

  ARGV[1] now, epoch milliseconds
  ARGV[2] idle TTL, milliseconds   the key expires this long after its last write

  Returns  the transition: "opened" | "reopened", or "" when it was already open
]]
local state = redis.call("HGET", KEYS[1], "state")
if state == "open" then return "" end

redis.call("HDEL", KEYS[1], "windowStartMs", "failures", "calls", "probeLeaseUntilMs")
redis.call("HSET", KEYS[1], "state", "open", "openedAtMs", ARGV[1])
redis.call("HINCRBY", KEYS[1], "openedTotal", 1)
redis.call("PEXPIRE", KEYS[1], ARGV[2])
if state == "half_open" then return "reopened" end
return "opened"
