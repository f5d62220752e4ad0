--[[
  Settles a claimed Idempotency-Key, only if the caller's claim still holds it (compare and set): stores the
  answer for the key's lifetime, or releases the key when the submission was not accepted, so a retry may try
  again.

  KEYS[1] idempotency entry        ({prefix}:idempotency:<tenant>:<sha256 of the key>)

  ARGV[1] the pending entry the caller claimed with (exact text)
  ARGV[2] the settled entry (JSON), or "" to release the key
  ARGV[3] TTL of the settled entry in seconds

  Returns  1 settled or released
           0 the claim was no longer held (it expired, and maybe another caller claimed the key): nothing changed
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == "" then
  redis.call("DEL", KEYS[1])
else
  redis.call("SET", KEYS[1], ARGV[2], "EX", ARGV[3])
end
return 1
