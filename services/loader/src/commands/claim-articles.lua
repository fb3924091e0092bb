-- Claims articles for a run in one step: an article unseen, or already claimed by this same
-- run (a retried loader job), belongs to the run; one claimed by another run does not. The
-- claim is also the "seen" mark that makes tomorrow's run skip it, for ARGV[2] seconds.
-- KEYS: one seen key per article. ARGV: run id, ttl seconds, "1" to take over existing claims (reclassify).
-- Returns one 1 (claimed) or 0 per key.
local claimed = {}
for i, key in ipairs(KEYS) do
  local owner = redis.call('GET', key)
  if owner == false or owner == ARGV[1] or ARGV[3] == '1' then
    redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
    claimed[i] = 1
  else
    claimed[i] = 0
  end
end
return claimed
