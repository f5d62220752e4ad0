--[[
  Records a non-terminal step of a request: sets fields (e.g. status, deploymentId) and appends a hop.
  A terminal record is never touched again, so a late or repeated step cannot undo an outcome. A step into
  `queued_for_retry` is also written to the outbox (webhook event `request.queued_for_retry`): an entry of the
  same shape as finish-request-3.lua's, `id`, `status`, `tenant`, `atMs`, and the record's `costUsd` and
  `webhookUrl` when it has them.

  KEYS[1] request record hash      ({prefix}:request:<id>)
  KEYS[2] request hops list        ({prefix}:request:<id>:hops)
  KEYS[3] outbox stream            ({prefix}:events:outbox)

  ARGV[1] hop JSON, or "" to append none
  ARGV[2] now, epoch milliseconds
  ARGV[3] request id
  ARGV[4] outbox MAXLEN (approximate cap)
  ARGV[5] new status, or "" to leave it
  ARGV[6..n] field, value, field, value, ... to set on the record

  Returns  1 updated
           0 the record is already terminal (nothing changed)
          -1 the record does not exist (expired or never created)
]]
local status = redis.call("HGET", KEYS[1], "status")
if not status then return -1 end
if status == "succeeded" or status == "failed" or status == "cancelled" then return 0 end

redis.call("HSET", KEYS[1], "updatedAtMs", ARGV[2])
if ARGV[5] ~= "" then
  redis.call("HSET", KEYS[1], "status", ARGV[5])
end
if #ARGV > 5 then
  redis.call("HSET", KEYS[1], unpack(ARGV, 6))
end
if ARGV[1] ~= "" then
  redis.call("RPUSH", KEYS[2], ARGV[1])
  local ttl = redis.call("TTL", KEYS[1])
  if ttl > 0 then redis.call("EXPIRE", KEYS[2], ttl) end
end
if ARGV[5] == "queued_for_retry" and status ~= "queued_for_retry" then
  local record = redis.call("HMGET", KEYS[1], "tenant", "costUsd", "webhookUrl")
  local entry = { "id", ARGV[3], "status", ARGV[5], "tenant", record[1] or "", "atMs", ARGV[2] }
  if record[2] then
    entry[#entry + 1] = "costUsd"
    entry[#entry + 1] = record[2]
  end
  if record[3] then
    entry[#entry + 1] = "webhookUrl"
    entry[#entry + 1] = record[3]
  end
  redis.call("XADD", KEYS[3], "MAXLEN", "~", ARGV[4], "*", unpack(entry))
end
return 1
