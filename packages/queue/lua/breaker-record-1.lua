--[[
  Records the result of a provider call a deployment's circuit admitted.

  Closed: counts the call (and the failure) in a fixed window that restarts once windowMs has passed
  since it began, and opens the circuit when the window holds failureThreshold failures, or at least
  minCalls calls of which a share of failureRatio or more failed.
  Half-open: only the probe's result counts; success closes the circuit (counters start afresh),
  failure opens it again from now. Non-probe results are dropped: those calls began before it opened.
  Open: every result is dropped, for the same reason (a probe's too: a trip overruled it).

  KEYS[1] circuit hash             ({prefix}:deployment:<id>:breaker)

  ARGV[1] outcome                  "success" | "failure"
  ARGV[2] probe                    "1" if the call was admitted as the probe, else "0"
  ARGV[3] now, epoch milliseconds
  ARGV[4] failureThreshold
  ARGV[5] failureRatio             0 < ratio <= 1
  ARGV[6] minCalls
  ARGV[7] windowMs
  ARGV[8] idle TTL, milliseconds   the key expires this long after its last write

  Returns  the transition: "opened" | "closed" | "reopened", or "" when the state did not change
]]
local key = KEYS[1]
local failed = ARGV[1] == "failure"
local nowMs = tonumber(ARGV[3])
local fields = redis.call("HMGET", key, "state", "windowStartMs", "failures", "calls")
local state = fields[1]

if state == "open" then return "" end

if state == "half_open" then
  if ARGV[2] ~= "1" then return "" end
  if failed then
    redis.call("HDEL", key, "probeLeaseUntilMs")
    redis.call("HSET", key, "state", "open", "openedAtMs", ARGV[3])
    redis.call("HINCRBY", key, "openedTotal", 1)
    redis.call("PEXPIRE", key, ARGV[8])
    return "reopened"
  end
  redis.call("HDEL", key, "probeLeaseUntilMs", "openedAtMs")
  redis.call("HSET", key, "state", "closed", "windowStartMs", ARGV[3], "failures", 0, "calls", 0)
  redis.call("PEXPIRE", key, ARGV[8])
  return "closed"
end

-- Closed (or no key yet: a circuit nobody has reported on is closed).
local windowStartMs = tonumber(fields[2])
local failures = tonumber(fields[3]) or 0
local calls = tonumber(fields[4]) or 0
if not windowStartMs or nowMs - windowStartMs >= tonumber(ARGV[7]) then
  windowStartMs, failures, calls = nowMs, 0, 0
end
calls = calls + 1
if failed then failures = failures + 1 end

if failures >= tonumber(ARGV[4]) or (calls >= tonumber(ARGV[6]) and failures / calls >= tonumber(ARGV[5])) then
  redis.call("HDEL", key, "windowStartMs", "failures", "calls")
  redis.call("HSET", key, "state", "open", "openedAtMs", ARGV[3])
  redis.call("HINCRBY", key, "openedTotal", 1)
  redis.call("PEXPIRE", key, ARGV[8])
  return "opened"
end

redis.call("HSET", key, "windowStartMs", windowStartMs, "failures", failures, "calls", calls)
redis.call("PEXPIRE", key, ARGV[8])
return ""
