--[[
  Records a non-terminal step of a request: sets fields (e.g. status, deploymentId) and appends a hop.
  A terminal record is never touched again, so a late or repeated step cannot undo an outcome.

  KEYS[1] request record hash      ({prefix}:request:<id>)
  KEYS[2] request hops list        ({prefix}:request:<id>:hops)

  ARGV[1] hop JSON, or "" to append none
  ARGV[2] now, epoch milliseconds
  ARGV[3..n] field, value, field, value, ... to set on the record

  Returns  1 updated
           0 the record is already terminal (nothing changed)
          -1 the record does not exist (expired or never created)
]]
local status = redis.call("HGET", KEYS[1], "status")
if not status then return -1 end
if status == "succeeded" or status == "failed" then return 0 end

if #ARGV > 2 then
  redis.call("HSET", KEYS[1], "updatedAtMs", ARGV[2], unpack(ARGV, 3))
else
  redis.call("HSET", KEYS[1], "updatedAtMs", ARGV[2])
end
if ARGV[1] ~= "" then
  redis.call("RPUSH", KEYS[2], ARGV[1])
  local ttl = redis.call("TTL", KEYS[1])
  if ttl > 0 then redis.call("EXPIRE", KEYS[2], ttl) end
end
return 1
