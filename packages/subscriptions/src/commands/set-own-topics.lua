-- Changes one subscription's own topics in the registry the classifiers read, atomically,
-- refusing the change when it would take the registry past its ceiling.
-- KEYS[1]            the registry hash (own-topic id -> the words asked of the model)
-- KEYS[2 .. 1+A]     the subscriber sets of the A topics to add
-- KEYS[2+A .. ]      the subscriber sets of the topics to release
-- ARGV[1]            the ceiling (OWN_TOPICS_MAX)
-- ARGV[2]            the subscription id
-- ARGV[3]            A
-- ARGV[4 .. 3+2A]    id, words of each topic to add
-- ARGV[4+2A .. ]     id of each topic to release
-- Returns {1, id...} with the ids that are new to the registry, or {0, n} when n new
-- topics would not fit (nothing is changed).
local ceiling = tonumber(ARGV[1])
local sub = ARGV[2]
local adds = tonumber(ARGV[3])
local fresh = 0
for i = 1, adds do
  if redis.call('HEXISTS', KEYS[1], ARGV[2 + 2 * i]) == 0 then fresh = fresh + 1 end
end
local freed = 0
for k = 2 + adds, #KEYS do
  local members = redis.call('SCARD', KEYS[k])
  if members == 1 and redis.call('SISMEMBER', KEYS[k], sub) == 1 then freed = freed + 1 end
end
if fresh > 0 and redis.call('HLEN', KEYS[1]) - freed + fresh > ceiling then return {0, fresh} end
local released = 4 + 2 * adds
for k = 2 + adds, #KEYS do
  local id = ARGV[released + (k - 2 - adds)]
  redis.call('SREM', KEYS[k], sub)
  if redis.call('SCARD', KEYS[k]) == 0 then redis.call('HDEL', KEYS[1], id) end
end
local added = {1}
for i = 1, adds do
  local id = ARGV[2 + 2 * i]
  if redis.call('HSETNX', KEYS[1], id, ARGV[3 + 2 * i]) == 1 then table.insert(added, id) end
  redis.call('SADD', KEYS[1 + i], sub)
end
return added
