--[[
  Moves a request to a terminal state exactly once, appends its last hop, announces the outcome and writes
  it to the outbox. A stalled job that is run again, or a duplicate, finds the record terminal and changes
  nothing.

  The outbox entry holds `id`, `status`, `tenant`, `atMs`, and the record's `costUsd` and `webhookUrl` when it
  has them: its consumers (budget settlement, webhook fan-out) need nothing more, so they read no record.

  KEYS[1] request record hash      ({prefix}:request:<id>)
  KEYS[2] request hops list        ({prefix}:request:<id>:hops)
  KEYS[3] outbox stream            ({prefix}:events:outbox)

  ARGV[1] terminal status: "succeeded" | "failed" | "cancelled"
  ARGV[2] hop JSON, or "" to append none
  ARGV[3] now, epoch milliseconds
  ARGV[4] events channel to PUBLISH "<id> <status>" on
  ARGV[5] request id
  ARGV[6] outbox MAXLEN (approximate cap; consumers keep it far shorter by trimming what every group read)
  ARGV[7..n] field, value, field, value, ... to set on the record

  Returns  1 transitioned
           0 already terminal (nothing changed)
          -1 the record does not exist
]]
local status = redis.call("HGET", KEYS[1], "status")
if not status then return -1 end
if status == "succeeded" or status == "failed" or status == "cancelled" then return 0 end

redis.call("HSET", KEYS[1], "status", ARGV[1], "updatedAtMs", ARGV[3], "finishedAtMs", ARGV[3])
if #ARGV > 6 then
  redis.call("HSET", KEYS[1], unpack(ARGV, 7))
end
if ARGV[2] ~= "" then
  redis.call("RPUSH", KEYS[2], ARGV[2])
  local ttl = redis.call("TTL", KEYS[1])
  if ttl > 0 then redis.call("EXPIRE", KEYS[2], ttl) end
end
-- Read after the HSET: `costUsd` may be among the fields just set.
local record = redis.call("HMGET", KEYS[1], "tenant", "costUsd", "webhookUrl")
local entry = { "id", ARGV[5], "status", ARGV[1], "tenant", record[1] or "", "atMs", ARGV[3] }
if record[2] then
  entry[#entry + 1] = "costUsd"
  entry[#entry + 1] = record[2]
end
if record[3] then
  entry[#entry + 1] = "webhookUrl"
  entry[#entry + 1] = record[3]
end
redis.call("XADD", KEYS[3], "MAXLEN", "~", ARGV[6], "*", unpack(entry))
redis.call("PUBLISH", ARGV[4], ARGV[5] .. " " .. ARGV[1])
return 1
