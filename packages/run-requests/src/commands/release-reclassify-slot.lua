-- Frees the reclassify slot, only if this run still holds it.
-- KEYS: the slot.
-- ARGV: the run's id.
-- Returns 1 when freed, 0 when another run (or none) held it.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
