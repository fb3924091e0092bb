-- Appends copies to their stories' source lists, after claim-stories.lua matched them. A list
-- is made when its story's first copy joins (the many stories told once cost no list), its
-- story's own record first, and holds at most ARGV[1] records. A record already listed is not
-- listed again, so claiming the same batch again lists nothing twice.
-- KEYS: one story's source list per copy (a story may repeat).
-- ARGV: most sources, ttl seconds, then per key: the story's own record, the copy's record (JSON).
local most = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local own, source = ARGV[1 + 2 * i], ARGV[2 + 2 * i]
  local listed = redis.call('LLEN', key)
  if listed == 0 and own ~= '' then
    redis.call('RPUSH', key, own)
    listed = 1
  end
  if listed < most and not redis.call('LPOS', key, source) then redis.call('RPUSH', key, source) end
  redis.call('EXPIRE', key, ARGV[2])
end
return 1
