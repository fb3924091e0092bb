-- Ends one reader's preview lock, only if it is still the one this request took: a lock that
-- expired and was taken by the reader's next preview is left to that preview.
-- KEYS[1]        the reader's preview lock
-- ARGV[1]        the token the request set it to
-- Returns 1 when it was released, 0 when it was no longer this request's.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
