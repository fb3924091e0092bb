-- Takes the one reclassify slot for a new run unless another run holds it, or takes it over
-- from a run the caller found gone (finished, failed or removed).
-- KEYS: the slot.
-- ARGV: the new run's id, the id of the run found gone ("" when the slot looked free).
-- Returns the id of the run that holds the slot afterwards.
local held = redis.call('GET', KEYS[1])
if (not held) or held == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1])
  return ARGV[1]
end
return held
