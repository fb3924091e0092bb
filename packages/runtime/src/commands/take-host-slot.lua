-- Takes one of a host's slots, if the host may be asked now: fewer than ARGV[4] holders
-- have a live lease, and ARGV[5] ms have passed since the last request began.
-- A lease expires on its own, so a killed process never keeps a host closed.
-- KEYS: the host's holders (zset: holder → lease end), the host's next allowed start (string).
-- ARGV: now ms, holder, lease ms, slots, gap ms, longest wait ms.
-- Returns 0 when the slot is taken, else how many ms to wait before asking again.
local now, holder, lease, slots, gap, longest =
  tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], holder) then
  redis.call('ZADD', KEYS[1], now + lease, holder)
  return 0
end
if redis.call('ZCARD', KEYS[1]) >= slots then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, math.min(tonumber(first[2]) - now, longest))
end
local nextAt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nextAt > now then return nextAt - now end
redis.call('ZADD', KEYS[1], now + lease, holder)
redis.call('PEXPIRE', KEYS[1], lease)
if gap > 0 then redis.call('SET', KEYS[2], now + gap, 'PX', gap) end
return 0
