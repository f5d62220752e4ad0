--[[
  Creates a request record with its retention TTL, atomically, unless one with that id exists, and indexes it
  for listing (GET /v1/requests) in the same round trip: a per-tenant and a fleet-wide sorted set of request ids
  scored by creation time. Index entries older than the retention cutoff are pruned here, on write (their records
  have expired), so the indexes stay as long as the retention window; readers skip ids whose record is gone.

  KEYS[1] request record hash      ({prefix}:request:<id>)
  KEYS[2] tenant's request index   ({prefix}:requests:tenant:<tenant>, sorted set: id scored by createdAtMs)
  KEYS[3] fleet-wide request index ({prefix}:requests:all, sorted set: id scored by createdAtMs)

  ARGV[1] TTL in seconds
  ARGV[2] request id
  ARGV[3] createdAtMs (the index score)
  ARGV[4] retention cutoff, epoch ms: index entries scored below it are removed
  ARGV[5..n] field, value, field, value, ... of the new record

  Returns  1 created
           0 a record with this id already exists (nothing changed)
]]
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
redis.call("HSET", KEYS[1], unpack(ARGV, 5))
redis.call("EXPIRE", KEYS[1], ARGV[1])
for i = 2, 3 do
  redis.call("ZADD", KEYS[i], ARGV[3], ARGV[2])
  redis.call("ZREMRANGEBYSCORE", KEYS[i], "-inf", "(" .. ARGV[4])
  -- An index outlives its newest record by no more than the retention TTL (a tenant that went quiet leaves nothing).
  redis.call("EXPIRE", KEYS[i], ARGV[1])
end
return 1
