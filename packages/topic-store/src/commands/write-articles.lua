-- Writes one page of a run's articles, unless the run is already written: a retried or
-- duplicated aggregate job cannot change a finished run's articles. Writing the same page
-- twice leaves the same state. An article classified again (a reclassify run) moves from
-- its old topic to its new one. The caller passes the topic of every label the page's
-- articles have and had (read just before); if another writer relabelled one of them in
-- between, nothing is written and the caller reads the labels again.
-- The same script applies a reclassify run: its "run" key is then the run's applied mark,
-- and its article set the ids the apply wrote.
-- KEYS: run, labels, the run's article set, then one topic per label (L), then one article
--   key per article.
-- ARGV: L, the L labels in the order of their topic keys, then per article: article JSON,
--   label, published ms, id, score, run id.
-- Returns 1 when written, 0 when the run is already written, -1 when a topic was missing.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local labels = tonumber(ARGV[1])
local topicOf = {}
for i = 1, labels do topicOf[ARGV[1 + i]] = KEYS[3 + i] end
local first = 4 + labels
local n = #KEYS - first + 1
for i = 0, n - 1 do
  local a = 2 + labels + 6 * i
  local label = ARGV[a + 1]
  local old = redis.call('HGET', KEYS[first + i], 'label')
  if not topicOf[label] or (old and not topicOf[old]) then return -1 end
end
for i = 0, n - 1 do
  local articleKey = KEYS[first + i]
  local a = 2 + labels + 6 * i
  local label, id = ARGV[a + 1], ARGV[a + 3]
  local old = redis.call('HGET', articleKey, 'label')
  if old and old ~= label then redis.call('ZREM', topicOf[old], id) end
  redis.call('HSET', articleKey, 'data', ARGV[a], 'label', label, 'published', ARGV[a + 2], 'score', ARGV[a + 4], 'runId', ARGV[a + 5])
  redis.call('ZADD', topicOf[label], ARGV[a + 2], id)
  redis.call('SADD', KEYS[2], label)
  redis.call('SADD', KEYS[3], id)
end
return 1
