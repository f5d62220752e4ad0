--[[
  Pauses a deployment's limiter (the provider answered 429): limiter-acquire refuses every call until
  pausedUntilMs. A pause only ever lengthens: an earlier end than the stored one changes nothing.

  KEYS[1] limiter state hash       ({prefix}:deployment:<id>:limiter)

  ARGV[1] pausedUntilMs            epoch milliseconds
  ARGV[2] TTL, milliseconds        the hash lives at least this long from now (never shortened)

  Returns  1 the pause was lengthened
           0 a pause at least as long was already stored
]]
local key = KEYS[1]
local storedUntilMs = tonumber(redis.call("HGET", key, "pausedUntilMs"))
if storedUntilMs and storedUntilMs >= tonumber(ARGV[1]) then return 0 end

redis.call("HSET", key, "pausedUntilMs", ARGV[1])
if redis.call("PTTL", key) < tonumber(ARGV[2]) then redis.call("PEXPIRE", key, ARGV[2]) end
return 1
