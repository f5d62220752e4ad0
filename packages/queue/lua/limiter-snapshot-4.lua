--[[
  Reads a deployment's limiter as limiter-acquire would see it at `now`, without writing anything:
  reservations and leases that expired but were not pruned yet are left out of the counts.

  KEYS[1] limiter state hash       ({prefix}:deployment:<id>:limiter)
  KEYS[2] window sorted set        ({prefix}:deployment:<id>:limiter:window)
  KEYS[3] token amounts hash       ({prefix}:deployment:<id>:limiter:tokens)
  KEYS[4] in-flight sorted set     ({prefix}:deployment:<id>:limiter:leases)

  ARGV[1] now, epoch milliseconds
  ARGV[2] windowMs

  Returns  {inFlight, requestsInWindow, tokensInWindow, pausedUntilMs, providerRequestsRemaining,
            providerRequestsResetAtMs, providerTokensRemaining, providerTokensResetAtMs}
           counts as integers; the other fields as stored, "" when absent (see limiter-snapshot.ts)
]]
local nowMs = tonumber(ARGV[1])
local horizonMs = nowMs - tonumber(ARGV[2])
local BATCH = 200

local inFlight = redis.call("ZCOUNT", KEYS[4], string.format("(%d", nowMs), "+inf")
local requestsInWindow = redis.call("ZCOUNT", KEYS[2], string.format("(%d", horizonMs), "+inf")
local state = redis.call("HMGET", KEYS[1], "tokens", "pausedUntilMs", "providerRequestsRemaining",
  "providerRequestsResetAtMs", "providerTokensRemaining", "providerTokensResetAtMs")

local expiredTokens, offset = 0, 0
while true do
  local expired = redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", horizonMs, "LIMIT", offset, BATCH)
  if #expired == 0 then break end
  local amounts = redis.call("HMGET", KEYS[3], unpack(expired))
  for i = 1, #amounts do expiredTokens = expiredTokens + (tonumber(amounts[i]) or 0) end
  if #expired < BATCH then break end
  offset = offset + BATCH
end
local tokensInWindow = math.max(0, (tonumber(state[1]) or 0) - expiredTokens)

return {inFlight, requestsInWindow, tokensInWindow, state[2] or "", state[3] or "", state[4] or "",
  state[5] or "", state[6] or ""}
