--[[
  Creates a request record with its retention TTL, atomically, unless one with that id exists.

  KEYS[1] request record hash      ({prefix}:request:<id>)

  ARGV[1] TTL in seconds
  ARGV[2..n] field, value, field, value, ... of the new record

  Returns  1 created
           0 a record with this id already exists (nothing changed)
]]
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
redis.call("HSET", KEYS[1], unpack(ARGV, 2))
redis.call("EXPIRE", KEYS[1], ARGV[1])
return 1
