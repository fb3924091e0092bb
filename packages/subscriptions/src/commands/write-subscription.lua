-- Replaces one subscription's record (or creates or deletes it) only if Redis still holds
-- the record the caller read, and moves its own-topic registrations and its feed-key index
-- with it in the same step. The registry is thus always what the records say: two changes
-- computed from the same record cannot both release its topics, and a change computed from
-- a record deleted meanwhile cannot write it back. On a conflict nothing is written and the
-- caller reads the record again.
-- KEYS[1]                  the subscription's record
-- KEYS[2]                  the set of subscription ids
-- KEYS[3]                  the own-topic registry hash (own-topic id -> the words asked of the model)
-- KEYS[4 .. 3+I]           feed-key index entries: all are dropped, except that the last one
--                          is set to the subscription id when a record is written
-- KEYS[4+I .. 3+I+A]       the subscriber sets of the A own topics the written record has
-- KEYS[4+I+A .. ]          the subscriber sets of the own topics the read record had and the
--                          written one has not
-- ARGV[1]                  the ceiling (OWN_TOPICS_MAX)
-- ARGV[2]                  the subscription id
-- ARGV[3]                  the record as read, '' when there was none
-- ARGV[4]                  the record to write, '' to delete it
-- ARGV[5]                  I
-- ARGV[6]                  A
-- ARGV[7 .. 6+2A]          id, words of each own topic the written record has
-- ARGV[7+2A .. ]           id of each own topic released
-- Returns {1, id...} with the own-topic ids new to the registry, {0, n} when n new topics
-- would pass the ceiling, {-1} when the record is no longer the one read (nothing changed).
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[3] then return {-1} end
local ceiling = tonumber(ARGV[1])
local sub = ARGV[2]
local nextRecord = ARGV[4]
local indexes = tonumber(ARGV[5])
local adds = tonumber(ARGV[6])
local addKey = 4 + indexes
local releaseKey = addKey + adds
local releaseArg = 7 + 2 * adds

local fresh = 0
for i = 0, adds - 1 do
  if redis.call('HEXISTS', KEYS[3], ARGV[7 + 2 * i]) == 0 then fresh = fresh + 1 end
end
if fresh > 0 then
  local freed = 0
  for k = releaseKey, #KEYS do
    if redis.call('SCARD', KEYS[k]) == 1 and redis.call('SISMEMBER', KEYS[k], sub) == 1 then freed = freed + 1 end
  end
  if redis.call('HLEN', KEYS[3]) - freed + fresh > ceiling then return {0, fresh} end
end

if nextRecord == '' then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], sub)
else
  redis.call('SET', KEYS[1], nextRecord)
  redis.call('SADD', KEYS[2], sub)
end
for k = 4, 3 + indexes do
  if k == 3 + indexes and nextRecord ~= '' then
    redis.call('SET', KEYS[k], sub)
  else
    redis.call('DEL', KEYS[k])
  end
end

for k = releaseKey, #KEYS do
  redis.call('SREM', KEYS[k], sub)
  if redis.call('SCARD', KEYS[k]) == 0 then redis.call('HDEL', KEYS[3], ARGV[releaseArg + k - releaseKey]) end
end
local added = {1}
for i = 0, adds - 1 do
  local id = ARGV[7 + 2 * i]
  if redis.call('HSETNX', KEYS[3], id, ARGV[8 + 2 * i]) == 1 then table.insert(added, id) end
  redis.call('SADD', KEYS[addKey + i], sub)
end
return added
