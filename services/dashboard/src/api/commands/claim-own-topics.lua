-- Charges one client for the own topics it is about to make new to the deployment, all of
-- them or none: a topic the client was charged for in this window is free again, and the
-- window starts with the first topic charged (it is not extended by later ones).
-- KEYS[1]        the set of own-topic ids this client made new in the window
-- ARGV[1]        the most a client may make new in a window (OWN_TOPICS_PER_CLIENT)
-- ARGV[2]        the window, in seconds
-- ARGV[3 .. ]    the ids of the topics about to be made new
-- Returns {1, id...} with the ids charged by this call (to give back if the change fails),
-- or {0, n, ttl} when n more would pass the limit, the window ending in ttl seconds.
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local charging = {}
for i = 3, #ARGV do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 0 then table.insert(charging, ARGV[i]) end
end
if #charging == 0 then return {1} end
if redis.call('SCARD', KEYS[1]) + #charging > limit then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl < 0 then ttl = window end
  return {0, #charging, ttl}
end
redis.call('SADD', KEYS[1], unpack(charging))
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], window) end
local claimed = {1}
for _, id in ipairs(charging) do table.insert(claimed, id) end
return claimed
