-- Gives back claims a run made but could not use, e.g. when its flow could not be added.
-- KEYS: one seen key per article. ARGV: run id.
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1
