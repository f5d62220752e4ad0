--[[
  Revokes an API key for good. The key stays stored (listed with its revocation time), so an audit can still
  name it; verification refuses it from now on.

  KEYS[1] the key's hash           ({prefix}:api-key:<key id>)

  ARGV[1] now, epoch milliseconds

  Returns  1 revoked
           0 already revoked (nothing changed)
          -1 no such key
]]
if redis.call("EXISTS", KEYS[1]) == 0 then return -1 end
if redis.call("HEXISTS", KEYS[1], "revokedAtMs") == 1 then return 0 end
redis.call("HSET", KEYS[1], "revokedAtMs", ARGV[1])
return 1
