--[[
  Registers a tenant's webhook endpoint unless the tenant already has its maximum, in one step (a count-then-add
  from two clients could pass the limit).

  KEYS[1] endpoint hash            ({prefix}:webhooks:endpoint:<id>)
  KEYS[2] the tenant's endpoint set ({prefix}:webhooks:tenant:<tenant>:endpoints)

  ARGV[1] most endpoints a tenant may have
  ARGV[2] endpoint id
  ARGV[3..n] field, value, field, value, ... of the endpoint

  Returns  1 created
           0 the tenant has ARGV[1] endpoints already
          -1 an endpoint with this id exists
]]
if redis.call("SCARD", KEYS[2]) >= tonumber(ARGV[1]) then return 0 end
if redis.call("EXISTS", KEYS[1]) == 1 then return -1 end
redis.call("HSET", KEYS[1], unpack(ARGV, 3))
redis.call("SADD", KEYS[2], ARGV[2])
return 1
