-- Writes a run's record once, after its articles: the record is the mark that the run is
-- finished, so a retried or duplicated aggregate job that finds it changes nothing.
-- KEYS: run, runs, run summary. ARGV: run JSON, run score, run id, summary JSON.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
