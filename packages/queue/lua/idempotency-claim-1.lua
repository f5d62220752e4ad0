--[[
  Claims an Idempotency-Key for one submission, or returns what the key already holds. The claim is a short-lived
  "pending" entry (so a process that dies between claim and settle does not block the key for long); settling
  replaces it with the answer (see idempotency-settle-1.lua).

  KEYS[1] idempotency entry        ({prefix}:idempotency:<tenant>:<sha256 of the key>)

  ARGV[1] the pending entry (JSON, with a unique claim token)
  ARGV[2] pending TTL in milliseconds

  Returns  {1}            claimed: the caller submits and then settles
           {0, entry}     the key is taken: its current entry (pending or settled)
]]
local existing = redis.call("GET", KEYS[1])
if existing then return {0, existing} end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return {1}
