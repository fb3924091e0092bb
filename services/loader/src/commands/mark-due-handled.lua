-- Moves the schedule's newest handled due time forward, never back: loaders mark due times as
-- their runs start and as they catch up, in any order.
-- KEYS[1]: the schedule's record, a hash (redisKeys().schedule).
-- ARGV[1]: the due time handled, epoch milliseconds.
local current = tonumber(redis.call('HGET', KEYS[1], 'handled') or '0') or 0
if tonumber(ARGV[1]) > current then
  redis.call('HSET', KEYS[1], 'handled', ARGV[1])
  return 1
end
return 0
