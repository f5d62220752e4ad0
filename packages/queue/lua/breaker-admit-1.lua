--[[
  Asks a deployment's circuit whether a provider call may start. Closed: yes, without writing anything
  (this runs once per provider call). Open: no, until the reset timeout has passed; then this caller moves
  the circuit to half_open and is the one probe. Half-open: no while a probe holds the lease; a probe that
  never reported frees the slot when its lease ends, and the next caller becomes the probe.

  KEYS[1] circuit hash             ({prefix}:deployment:<id>:breaker)

  ARGV[1] now, epoch milliseconds
  ARGV[2] resetTimeoutMs           open → half_open after this long since openedAtMs
  ARGV[3] probeLeaseMs             how long a probe holds the half-open slot
  ARGV[4] idle TTL, milliseconds   the key expires this long after its last write

  Returns  {1, probe, transition}  allowed; probe 1 or 0; transition "half_opened" or ""
           {0, state, retryAtMs}   refused; state "open" | "half_open"; when a probe may pass
]]
local state = redis.call("HGET", KEYS[1], "state")
if state ~= "open" and state ~= "half_open" then return {1, 0, ""} end

local nowMs = tonumber(ARGV[1])
local leaseUntilMs = nowMs + tonumber(ARGV[3])

if state == "open" then
  local retryAtMs = tonumber(redis.call("HGET", KEYS[1], "openedAtMs") or 0) + tonumber(ARGV[2])
  if nowMs < retryAtMs then return {0, "open", retryAtMs} end
  redis.call("HSET", KEYS[1], "state", "half_open", "probeLeaseUntilMs", leaseUntilMs)
  redis.call("PEXPIRE", KEYS[1], ARGV[4])
  return {1, 1, "half_opened"}
end

local heldUntilMs = tonumber(redis.call("HGET", KEYS[1], "probeLeaseUntilMs") or 0)
if nowMs < heldUntilMs then return {0, "half_open", heldUntilMs} end
redis.call("HSET", KEYS[1], "probeLeaseUntilMs", leaseUntilMs)
redis.call("PEXPIRE", KEYS[1], ARGV[4])
return {1, 1, ""}
