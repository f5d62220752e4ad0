--[[
  Ends a provider call a deployment's limiter granted: frees its in-flight slot (idempotent) and, when the
  call's actual token count is known, corrects its reservation to it while the reservation is still kept
  (it is dropped once it left the window). The running total moves by the difference, never below 0.

  Nothing here creates a key, so nothing needs a TTL: what it touches was written, with one, by the grant,
  and matters only until the reservation leaves the window and the lease ends.

  KEYS[1] limiter state hash       ({prefix}:deployment:<id>:limiter)
  KEYS[2] token amounts hash       ({prefix}:deployment:<id>:limiter:tokens)
  KEYS[3] in-flight sorted set     ({prefix}:deployment:<id>:limiter:leases)

  ARGV[1] leaseId                  from the grant
  ARGV[2] actualTokens             integer >= 0, or "" to keep the reservation as it is

  Returns  1 the reservation was corrected
           0 nothing to correct (no actualTokens, or the reservation already left the window)
]]
redis.call("ZREM", KEYS[3], ARGV[1])
local actualTokens = tonumber(ARGV[2])
if not actualTokens then return 0 end
local reservedTokens = tonumber(redis.call("HGET", KEYS[2], ARGV[1]))
if not reservedTokens then return 0 end

redis.call("HSET", KEYS[2], ARGV[1], actualTokens)
local tokensInWindow = tonumber(redis.call("HGET", KEYS[1], "tokens")) or 0
redis.call("HSET", KEYS[1], "tokens", math.max(0, tokensInWindow + actualTokens - reservedTokens))
return 1
