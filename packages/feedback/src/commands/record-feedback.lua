-- Records one labelled example, replacing the same reader's earlier verdict on the same
-- article and topic, and keeps the store within its bounds: a reader's oldest examples go
-- past their limit, everyone's oldest past the total.
-- KEYS[1] examples  (hash: id -> example JSON)
-- KEYS[2] meta      (hash: id -> "<stats field>\t<1|0>\t<reader>\t<at ms, 15 digits>")
-- KEYS[3] order     (sorted set: id scored by its time)
-- KEYS[4] byReader  (sorted set, all scores 0: "<reader>:<at ms>:<id>", ranged by reader)
-- KEYS[5] stats     (hash: "<stats field>\texamples" and "<stats field>\tagree" -> counts)
-- KEYS[6] revision  (counter: one more for every vote, so a scheduled fit knows votes arrived)
-- ARGV[1] id, ARGV[2] example JSON, ARGV[3] stats field, ARGV[4] agrees (1|0),
-- ARGV[5] reader, ARGV[6] at ms (15 digits), ARGV[7] most per reader, ARGV[8] most in total
-- Returns { 1 if it replaced a verdict else 0, how many examples were dropped for the bounds }.
local examples, meta, order, byReader, stats, revision = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id, json, field, agrees, reader, at = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
local perReader, total = tonumber(ARGV[7]), tonumber(ARGV[8])

local function remove(exampleId)
  local m = redis.call('HGET', meta, exampleId)
  if not m then
    redis.call('ZREM', order, exampleId)
    redis.call('HDEL', examples, exampleId)
    return 0
  end
  local f, a, r, t = string.match(m, '^(.*)\t([01])\t([^\t]*)\t([^\t]*)$')
  redis.call('HINCRBY', stats, f .. '\texamples', -1)
  if a == '1' then redis.call('HINCRBY', stats, f .. '\tagree', -1) end
  redis.call('ZREM', byReader, r .. ':' .. t .. ':' .. exampleId)
  redis.call('ZREM', order, exampleId)
  redis.call('HDEL', examples, exampleId)
  redis.call('HDEL', meta, exampleId)
  return 1
end

local replaced = remove(id)

redis.call('HSET', examples, id, json)
redis.call('HSET', meta, id, field .. '\t' .. agrees .. '\t' .. reader .. '\t' .. at)
redis.call('ZADD', order, tonumber(at), id)
redis.call('ZADD', byReader, 0, reader .. ':' .. at .. ':' .. id)
redis.call('HINCRBY', stats, field .. '\texamples', 1)
redis.call('HINCRBY', stats, field .. '\tagree', agrees)

redis.call('INCR', revision)

local dropped = 0
local mine = redis.call('ZLEXCOUNT', byReader, '[' .. reader .. ':', '(' .. reader .. ';')
if mine > perReader then
  local oldest = redis.call('ZRANGEBYLEX', byReader, '[' .. reader .. ':', '(' .. reader .. ';', 'LIMIT', 0, mine - perReader)
  for _, member in ipairs(oldest) do
    dropped = dropped + remove(string.match(member, ':([^:]*)$'))
  end
end
local count = redis.call('ZCARD', order)
if count > total then
  for _, exampleId in ipairs(redis.call('ZRANGE', order, 0, count - total - 1)) do
    dropped = dropped + remove(exampleId)
  end
end
return { replaced, dropped }
