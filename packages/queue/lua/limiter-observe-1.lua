--[[
  Records what a deployment's provider said remains of its budgets (from its rate-limit headers), for
  limiter-acquire to hold the fleet to until each budget's reset. The latest observation replaces the
  previous one whole; one observed before the stored one (a slow response arriving late) is ignored.
  A budget is kept only when both its remaining count and its reset time are known.

  KEYS[1] limiter state hash       ({prefix}:deployment:<id>:limiter)

  ARGV[1] observedAtMs             when the provider answered, epoch milliseconds
  ARGV[2] requests remaining       or "" when not reported
  ARGV[3] requests reset at ms     or ""
  ARGV[4] tokens remaining         or ""
  ARGV[5] tokens reset at ms       or ""
  ARGV[6] TTL, milliseconds        the hash lives at least this long from now (never shortened)

  Returns  1 recorded
           0 ignored: older than the observation already stored
]]
local key = KEYS[1]
local storedAtMs = tonumber(redis.call("HGET", key, "providerObservedAtMs"))
if storedAtMs and tonumber(ARGV[1]) < storedAtMs then return 0 end

redis.call("HDEL", key, "providerRequestsRemaining", "providerRequestsResetAtMs",
  "providerTokensRemaining", "providerTokensResetAtMs")
redis.call("HSET", key, "providerObservedAtMs", ARGV[1])
if ARGV[2] ~= "" and ARGV[3] ~= "" then
  redis.call("HSET", key, "providerRequestsRemaining", ARGV[2], "providerRequestsResetAtMs", ARGV[3])
end
if ARGV[4] ~= "" and ARGV[5] ~= "" then
  redis.call("HSET", key, "providerTokensRemaining", ARGV[4], "providerTokensResetAtMs", ARGV[5])
end
if redis.call("PTTL", key) < tonumber(ARGV[6]) then redis.call("PEXPIRE", key, ARGV[6]) end
return 1
