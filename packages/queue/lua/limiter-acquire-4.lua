--[[
  Reserves, for one provider call to a deployment, one request and `tokens` tokens in the sliding window
  and one in-flight slot: all of them, or nothing (refusals write nothing but the pruning of what expired).

  The window is a sorted set of reservations scored by when they were made, with each one's token amount
  in a hash and their running total in the state hash; reservations `windowMs` old or older leave it here,
  so in any interval of `windowMs` at most rpm requests and tpm tokens are reserved. In-flight leases are a
  sorted set scored by when they expire, so a crashed worker's slot frees itself.

  When several budgets refuse, the reply names the one that frees last: waiting less would only be refused
  again. Ties go to the first in this order: paused, provider_requests, provider_tokens, requests, tokens,
  concurrency. A reservation larger than tpm is refused at once with exceedsWholeBudget (waitMs 0).

  KEYS[1] limiter state hash       ({prefix}:deployment:<id>:limiter) tokens, pausedUntilMs, provider*
  KEYS[2] window sorted set        ({prefix}:deployment:<id>:limiter:window) leaseId → reserved at ms
  KEYS[3] token amounts hash       ({prefix}:deployment:<id>:limiter:tokens) leaseId → tokens reserved
  KEYS[4] in-flight sorted set     ({prefix}:deployment:<id>:limiter:leases) leaseId → lease ends at ms

  ARGV[1] leaseId                  new, unique: names the reservation and the in-flight lease
  ARGV[2] now, epoch milliseconds
  ARGV[3] tokens                   to reserve (estimated input + max output), integer >= 0
  ARGV[4] rpm                      requests per window, or "" when not enforced
  ARGV[5] tpm                      tokens per window, or "" when not enforced
  ARGV[6] concurrency              calls in flight at once, fleet-wide
  ARGV[7] windowMs
  ARGV[8] leaseMs                  the in-flight slot frees itself this long after now
  ARGV[9] idle TTL, milliseconds   every key lives at least this long after a grant (never shortened)
  ARGV[10] concurrency wait cap    the longest waitMs a concurrency refusal reports

  Returns  {1}                                       granted
           {0, limitedBy, waitMs, exceedsWholeBudget} refused; exceedsWholeBudget 1 or 0
]]
local stateKey, windowKey, amountsKey, leasesKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local leaseId = ARGV[1]
local nowMs = tonumber(ARGV[2])
local tokens = tonumber(ARGV[3])
local rpm = tonumber(ARGV[4])
local tpm = tonumber(ARGV[5])
local concurrency = tonumber(ARGV[6])
local windowMs = tonumber(ARGV[7])
local leaseUntilMs = nowMs + tonumber(ARGV[8])
local ttlMs = tonumber(ARGV[9])
local concurrencyWaitCapMs = tonumber(ARGV[10])
-- Chunks keep unpack() under Lua's stack limit, and bound the work of one refusal.
local BATCH = 200
local MAX_WALK = 2000

if tpm and tokens > tpm then return {0, "tokens", 0, 1} end

-- Reservations made at or before now - windowMs have left the window: drop them and their tokens.
local horizonMs = nowMs - windowMs
local freedTokens = 0
while true do
  local expired = redis.call("ZRANGEBYSCORE", windowKey, "-inf", horizonMs, "LIMIT", 0, BATCH)
  if #expired == 0 then break end
  local amounts = redis.call("HMGET", amountsKey, unpack(expired))
  for i = 1, #amounts do freedTokens = freedTokens + (tonumber(amounts[i]) or 0) end
  redis.call("HDEL", amountsKey, unpack(expired))
  redis.call("ZREMRANGEBYRANK", windowKey, 0, #expired - 1)
  if #expired < BATCH then break end
end
local state = redis.call("HMGET", stateKey, "tokens", "pausedUntilMs",
  "providerRequestsRemaining", "providerRequestsResetAtMs", "providerTokensRemaining", "providerTokensResetAtMs")
local tokensInWindow = tonumber(state[1]) or 0
-- (Written only into an existing hash: a refusal never creates a key without a TTL.)
if freedTokens > 0 and state[1] then
  tokensInWindow = math.max(0, tokensInWindow - freedTokens)
  redis.call("HSET", stateKey, "tokens", tokensInWindow)
end
redis.call("ZREMRANGEBYSCORE", leasesKey, "-inf", nowMs)

local limitedBy, waitMs = nil, 0
local function refuse(reason, ms)
  if not limitedBy or ms > waitMs then limitedBy, waitMs = reason, ms end
end

local pausedUntilMs = tonumber(state[2])
if pausedUntilMs and nowMs < pausedUntilMs then refuse("paused", pausedUntilMs - nowMs) end

-- The provider's figures hold until their reset; after it only our own budgets count.
local providerRequests, providerRequestsResetAtMs = tonumber(state[3]), tonumber(state[4])
local providerRequestsLive = providerRequests and providerRequestsResetAtMs and nowMs < providerRequestsResetAtMs
if providerRequestsLive and providerRequests < 1 then
  refuse("provider_requests", providerRequestsResetAtMs - nowMs)
end
local providerTokens, providerTokensResetAtMs = tonumber(state[5]), tonumber(state[6])
local providerTokensLive = providerTokens and providerTokensResetAtMs and nowMs < providerTokensResetAtMs
if providerTokensLive and providerTokens < tokens then
  refuse("provider_tokens", providerTokensResetAtMs - nowMs)
end

local requestsInWindow = redis.call("ZCARD", windowKey)
if rpm and requestsInWindow >= rpm then
  -- One more may be reserved once the reservation at this rank has left (the oldest, unless rpm shrank).
  local entry = redis.call("ZRANGE", windowKey, requestsInWindow - rpm, requestsInWindow - rpm, "WITHSCORES")
  refuse("requests", tonumber(entry[2]) + windowMs - nowMs)
end

if tpm and tokensInWindow + tokens > tpm then
  -- Walk from the oldest reservation until enough tokens would have left. The walk is bounded: past it,
  -- the reply is the time the last one walked leaves, a lower bound (the caller is refused again then).
  local neededTokens = tokensInWindow + tokens - tpm
  local freed, offset, leavesAtMs = 0, 0, nowMs + windowMs
  while freed < neededTokens and offset < MAX_WALK do
    local entries = redis.call("ZRANGE", windowKey, offset, offset + BATCH - 1, "WITHSCORES")
    if #entries == 0 then break end
    local members = {}
    for i = 1, #entries, 2 do members[#members + 1] = entries[i] end
    local amounts = redis.call("HMGET", amountsKey, unpack(members))
    for i = 1, #members do
      freed = freed + (tonumber(amounts[i]) or 0)
      leavesAtMs = tonumber(entries[2 * i]) + windowMs
      if freed >= neededTokens then break end
    end
    offset = offset + BATCH
  end
  refuse("tokens", math.max(1, leavesAtMs - nowMs))
end

local inFlight = redis.call("ZCARD", leasesKey)
if inFlight >= concurrency then
  local earliest = redis.call("ZRANGE", leasesKey, 0, 0, "WITHSCORES")
  refuse("concurrency", math.min(concurrencyWaitCapMs, tonumber(earliest[2]) - nowMs))
end

if limitedBy then return {0, limitedBy, waitMs, 0} end

redis.call("ZADD", windowKey, nowMs, leaseId)
redis.call("HSET", amountsKey, leaseId, tokens)
redis.call("HSET", stateKey, "tokens", tokensInWindow + tokens)
redis.call("ZADD", leasesKey, leaseUntilMs, leaseId)
if providerRequestsLive then redis.call("HSET", stateKey, "providerRequestsRemaining", providerRequests - 1) end
if providerTokensLive then redis.call("HSET", stateKey, "providerTokensRemaining", providerTokens - tokens) end

-- Only ever lengthened: a lease taken with a long leaseMs must not lose its key to a later short one.
for i = 1, 4 do
  if redis.call("PTTL", KEYS[i]) < ttlMs then redis.call("PEXPIRE", KEYS[i], ttlMs) end
end
return {1}
