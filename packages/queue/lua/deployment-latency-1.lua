--[[
  Folds one successful call's latency into its deployment's exponentially weighted moving average:
    average = alpha * sample + (1 - alpha) * average
  The first sample (or the first after the key expired) becomes the average. Read and write are one
  step here so that concurrent samples from many workers all count: none overwrites another's.

  KEYS[1] latency average          ({prefix}:deployment:<id>:latency, a decimal string of milliseconds)

  ARGV[1] sample, milliseconds     finite, >= 0
  ARGV[2] alpha                    0 < alpha <= 1, the weight of the new sample
  ARGV[3] idle TTL, milliseconds   the key expires this long after its last sample

  Returns  the new average as a decimal string (a Lua number would reach the caller truncated to an integer)
]]
local sample = tonumber(ARGV[1])
local alpha = tonumber(ARGV[2])
local previous = tonumber(redis.call("GET", KEYS[1]) or "")
local average = sample
if previous then average = alpha * sample + (1 - alpha) * previous end
local text = string.format("%.17g", average)
redis.call("SET", KEYS[1], text, "PX", ARGV[3])
return text
