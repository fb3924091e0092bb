-- Writes one page of a run's articles, unless the run is already written: a retried or
-- duplicated aggregate job cannot change a finished run's articles. Writing the same page
-- twice leaves the same state. An article classified again (a reclassify run) moves from
-- its old topic to its new one.
-- KEYS: run, labels, the run's article set, then (article, topic) per article.
-- ARGV: topic key prefix, then (article JSON, label, published ms, id, score, run id) per article.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local n = (#KEYS - 3) / 2
for i = 0, n - 1 do
  local articleKey, topicKey = KEYS[4 + 2 * i], KEYS[5 + 2 * i]
  local a = 2 + 6 * i
  local old = redis.call('HGET', articleKey, 'label')
  if old and old ~= ARGV[a + 1] then redis.call('ZREM', ARGV[1] .. old, ARGV[a + 3]) end
  redis.call('HSET', articleKey, 'data', ARGV[a], 'label', ARGV[a + 1], 'published', ARGV[a + 2], 'score', ARGV[a + 4], 'runId', ARGV[a + 5])
  redis.call('ZADD', topicKey, ARGV[a + 2], ARGV[a + 3])
  redis.call('SADD', KEYS[2], ARGV[a + 1])
  redis.call('SADD', KEYS[3], ARGV[a + 3])
end
return 1
