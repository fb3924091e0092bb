-- Makes the own-topic registry and its subscriber sets say exactly what the subscription
-- records say, in one step, provided the records are still the ones the caller read (it
-- works out each record's own-topic ids, which need SHA-256, and passes them in).
-- KEYS[1]               the set of subscription ids
-- KEYS[2]               the own-topic registry hash (own-topic id -> words)
-- KEYS[3 .. 2+N]        the N subscriptions' records, in the order of ARGV
-- KEYS[3+N .. ]         the subscriber sets of the T topics of ARGV, in their order
-- ARGV[1]               N
-- ARGV[2 .. 1+2N]       id, SHA-1 of the record as read ('' when it was missing), per subscription
-- ARGV[2+2N]            T: every topic registered or held, as read
-- then per topic        id, words, h, the h ids of the subscriptions whose records have it
-- Returns {1, holders fixed, {orphan id, words, ...}, {added id, words, ...}}, or {-1} when
-- the ids, a record or the registry changed since they were read (nothing changed).
local n = tonumber(ARGV[1])
if redis.call('SCARD', KEYS[1]) ~= n then return {-1} end
for i = 0, n - 1 do
  local id = ARGV[2 + 2 * i]
  if redis.call('SISMEMBER', KEYS[1], id) == 0 then return {-1} end
  local record = redis.call('GET', KEYS[3 + i])
  local digest = record and redis.sha1hex(record) or ''
  if digest ~= ARGV[3 + 2 * i] then return {-1} end
end

local topics, byId = {}, {}
local a = 2 + 2 * n
local count = tonumber(ARGV[a])
a = a + 1
for t = 0, count - 1 do
  local topic = { id = ARGV[a], words = ARGV[a + 1], key = KEYS[3 + n + t], holders = {} }
  local h = tonumber(ARGV[a + 2])
  for j = 1, h do topic.holders[ARGV[a + 2 + j]] = true end
  topic.held = h > 0
  byId[topic.id] = topic
  table.insert(topics, topic)
  a = a + 3 + h
end
for _, id in ipairs(redis.call('HKEYS', KEYS[2])) do
  if byId[id] == nil then return {-1} end
end

local fixed = 0
local orphans = {}
local added = {}
for _, topic in ipairs(topics) do
  for _, member in ipairs(redis.call('SMEMBERS', topic.key)) do
    if not topic.holders[member] then
      redis.call('SREM', topic.key, member)
      fixed = fixed + 1
    end
  end
  for holder in pairs(topic.holders) do
    fixed = fixed + redis.call('SADD', topic.key, holder)
  end
  local words = redis.call('HGET', KEYS[2], topic.id)
  if not topic.held and words then
    redis.call('HDEL', KEYS[2], topic.id)
    table.insert(orphans, topic.id)
    table.insert(orphans, words)
  elseif topic.held and not words then
    redis.call('HSET', KEYS[2], topic.id, topic.words)
    table.insert(added, topic.id)
    table.insert(added, topic.words)
  end
end
return {1, fixed, orphans, added}
