--[[
  Ends a provider call on a deployment's limiter, whatever the call brought back, in one round trip:
  - frees the call's in-flight slot (idempotent) and, when its actual token count is known, corrects its
    reservation to it while the reservation is still kept (it is dropped once it left the window); the
    running total moves by the difference, never below 0;
  - records what the provider's rate-limit headers said, when they said anything: the remaining requests
    and tokens, for limiter-acquire to hold the fleet to until each budget's reset, and the whole reported
    state (JSON), which GET /v1/deployments shows (RateLimitStore). The latest observation replaces the
    previous one whole; one ordered before the stored one (a slow answer to an earlier call arriving late)
    is ignored. A budget is kept only when both its remaining count and its reset time are known.
  A call the limiter did not grant (rate limiting left to BullMQ) passes no lease: only its observation is
  recorded, which is harmless there because limiter-acquire is not called.

  Freeing and correcting create no key, so need no TTL: what they touch was written, with one, by the grant,
  and matters only until the reservation leaves the window and the lease ends. An observation may create
  the state hash, so it lengthens the hash's TTL.

  KEYS[1] limiter state hash       ({prefix}:deployment:<id>:limiter)
  KEYS[2] token amounts hash       ({prefix}:deployment:<id>:limiter:tokens)
  KEYS[3] in-flight sorted set     ({prefix}:deployment:<id>:limiter:leases)

  ARGV[1] leaseId                  from the grant, or "" when the call held none (nothing to free or correct)
  ARGV[2] actualTokens             integer >= 0, or "" to keep the reservation as it is
  ARGV[3] observation order, ms    epoch milliseconds (the worker passes when the call was sent), or "" when
                                   there is no observation: ARGV[4..9] are then ignored and may be left out
  ARGV[4] requests remaining       or "" when not reported
  ARGV[5] requests reset at ms     or ""
  ARGV[6] tokens remaining         or ""
  ARGV[7] tokens reset at ms       or ""
  ARGV[8] provider state           the reported state, JSON (RateLimitState)
  ARGV[9] TTL, milliseconds        the state hash lives at least this long from now (never shortened)

  Returns  {corrected, recorded}
           corrected  1 the reservation was corrected; 0 nothing to correct (no lease, no actualTokens, or
                      the reservation already left the window)
           recorded   1 the observation was recorded; 0 none given, or ordered before the one stored
]]
local function settleLease()
  if ARGV[1] == "" then return 0 end
  redis.call("ZREM", KEYS[3], ARGV[1])
  local actualTokens = tonumber(ARGV[2])
  if not actualTokens then return 0 end
  local reservedTokens = tonumber(redis.call("HGET", KEYS[2], ARGV[1]))
  if not reservedTokens then return 0 end

  redis.call("HSET", KEYS[2], ARGV[1], actualTokens)
  local tokensInWindow = tonumber(redis.call("HGET", KEYS[1], "tokens")) or 0
  redis.call("HSET", KEYS[1], "tokens", math.max(0, tokensInWindow + actualTokens - reservedTokens))
  return 1
end

local function recordObservation()
  local orderMs = tonumber(ARGV[3])
  if not orderMs then return 0 end
  local key = KEYS[1]
  local storedMs = tonumber(redis.call("HGET", key, "providerObservedAtMs"))
  if storedMs and orderMs < storedMs then return 0 end

  redis.call("HDEL", key, "providerRequestsRemaining", "providerRequestsResetAtMs",
    "providerTokensRemaining", "providerTokensResetAtMs")
  redis.call("HSET", key, "providerObservedAtMs", ARGV[3], "providerState", ARGV[8])
  if ARGV[4] ~= "" and ARGV[5] ~= "" then
    redis.call("HSET", key, "providerRequestsRemaining", ARGV[4], "providerRequestsResetAtMs", ARGV[5])
  end
  if ARGV[6] ~= "" and ARGV[7] ~= "" then
    redis.call("HSET", key, "providerTokensRemaining", ARGV[6], "providerTokensResetAtMs", ARGV[7])
  end
  if redis.call("PTTL", key) < tonumber(ARGV[9]) then redis.call("PEXPIRE", key, ARGV[9]) end
  return 1
end

return {settleLease(), recordObservation()}
