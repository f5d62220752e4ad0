--[[
  Stores a new API key (its SHA-256, never the secret) and indexes it under its tenant and in the list of all
  keys, atomically, unless a key with that id exists.

  KEYS[1] the key's hash           ({prefix}:api-key:<key id>)
  KEYS[2] the tenant's key ids     ({prefix}:tenant:<tenant>:api-keys, a set)
  KEYS[3] every key id             ({prefix}:api-keys, a set)

  ARGV[1] key id
  ARGV[2..n] field, value, field, value, ... of the key (tenant, scopes, name, secretSha256, createdAtMs)

  Returns  1 created
           0 a key with this id already exists (nothing changed)
]]
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
redis.call("HSET", KEYS[1], unpack(ARGV, 2))
redis.call("SADD", KEYS[2], ARGV[1])
redis.call("SADD", KEYS[3], ARGV[1])
return 1
