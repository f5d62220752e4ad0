--[[
  Enables or disables a webhook endpoint if it still exists (a 410 that arrives after the endpoint was deleted
  must not bring back a partial record).

  KEYS[1] endpoint hash ({prefix}:webhooks:endpoint:<id>)

  ARGV[1] "enabled" | "disabled"
  ARGV[2] reason ("" clears it)
  ARGV[3] now, epoch milliseconds

  Returns  1 updated
           0 no such endpoint
]]
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], "status", ARGV[1], "updatedAtMs", ARGV[3])
if ARGV[2] == "" then
  redis.call("HDEL", KEYS[1], "disabledReason")
else
  redis.call("HSET", KEYS[1], "disabledReason", ARGV[2])
end
return 1
