-- Claims a batch of articles (already claimed as seen by this run) for stories, in one step:
-- each article becomes a new story, or a copy of a story whose signature is similar enough.
-- One step, so two loaders claiming copies of the same news at once make one story between
-- them, and a copy that arrives after its story's classify job exists still joins it.
--
-- The index lives in one hash per time bucket (STORY_WINDOW_HOURS long, numbered on Redis'
-- clock by the caller), read for the current and the previous bucket, so a story is
-- joinable for one to two buckets after it was first seen:
--   b:<band key>  -> id of the first story with that LSH band
--   s:<story id>  -> "<owning run> <signature>"
--   p:<story id>  -> the story's own source record (JSON)
--   m:<article id> -> id of the article's story (itself for a story's own article)
-- A copy's source is appended to its story's list by the caller (add-story-sources.lua),
-- whose key this script cannot know before it has matched the copy.
--
-- KEYS: the current bucket's index, the previous bucket's index.
-- ARGV: run id, similarity threshold, when the current bucket's index expires (unix
--   seconds), "1" to reclassify (another run's stories do not absorb this run's articles),
--   article count, then per article: id, signature (4 bytes a hash, or "" for an article
--   without words), band keys joined by spaces, source record (JSON).
-- Returns two lists in article order: each article's story id (its own id for a story for
-- this run to classify), and for a copy its story's own source record ("" for a story).
local run = ARGV[1]
local threshold = tonumber(ARGV[2])
local expireAt = ARGV[3]
local reclassify = ARGV[4] == '1'
local count = tonumber(ARGV[5])

local current = KEYS[1]
local previous = KEYS[2]

local hasPrevious = redis.call('EXISTS', previous) == 1

local function lookup(field)
  local value = redis.call('HGET', current, field)
  if value or not hasPrevious then return value end
  return redis.call('HGET', previous, field)
end

-- The story each band field points to (false for none), both buckets read in one call each.
local function lookupAll(fields)
  local values = redis.call('HMGET', current, unpack(fields))
  if hasPrevious then
    local older = redis.call('HMGET', previous, unpack(fields))
    for i = 1, #fields do
      if not values[i] then values[i] = older[i] end
    end
  end
  return values
end

-- The run that classifies a story and the story's signature, or nil for no such story.
local function story(id)
  local record = lookup('s:' .. id)
  if not record then return nil end
  local space = string.find(record, ' ', 1, true)
  return string.sub(record, 1, space - 1), string.sub(record, space + 1)
end

-- Another run's story absorbs nothing of a run that reclassifies.
local function joinable(owner)
  return owner ~= nil and (not reclassify or owner == run)
end

local function similar(a, b)
  if a == '' or #a ~= #b then return false end
  local hashes = #a / 4
  local needed = threshold * hashes
  local same = 0
  for i = 0, hashes - 1 do
    local from = i * 4 + 1
    if string.sub(a, from, from + 3) == string.sub(b, from, from + 3) then
      same = same + 1
      if same >= needed then return true end
    end
    -- Stop as soon as the rest cannot reach the threshold.
    if same + (hashes - 1 - i) < needed then return false end
  end
  return same >= needed
end

local stories = {}
local owns = {}
for i = 0, count - 1 do
  local at = 6 + i * 4
  local id, signature, bands, source = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  local member = lookup('m:' .. id)
  local storyId = nil
  if member == id then
    -- This run holds the article's seen claim, so its story is this run's to classify (a
    -- retried batch, or a run whose flow failed and released its claims before).
    local owner = story(id)
    if owner ~= nil then
      if owner ~= run then redis.call('HSET', current, 's:' .. id, run .. ' ' .. signature, 'p:' .. id, source) end
      storyId = id
    end
  elseif member and joinable(story(member)) then
    storyId = member
  end

  local fields = {}
  for band in string.gmatch(bands, '%S+') do fields[#fields + 1] = 'b:' .. band end
  if storyId == nil and #fields > 0 then
    local checked = {}
    for _, candidate in ipairs(lookupAll(fields)) do
      if candidate and not checked[candidate] then
        checked[candidate] = true
        local owner, candidateSignature = story(candidate)
        if joinable(owner) and similar(signature, candidateSignature) then
          storyId = candidate
          break
        end
      end
    end
  end

  if storyId == nil then
    storyId = id
    redis.call('HSET', current, 'm:' .. id, id, 's:' .. id, run .. ' ' .. signature, 'p:' .. id, source)
    if #fields > 0 then
      local holders = lookupAll(fields)
      local claimed = {}
      for k, field in ipairs(fields) do
        -- The first story keeps its band; a run that reclassifies takes over other runs' bands.
        if not holders[k] or (reclassify and story(holders[k]) ~= run) then
          claimed[#claimed + 1] = field
          claimed[#claimed + 1] = id
        end
      end
      if #claimed > 0 then redis.call('HSET', current, unpack(claimed)) end
    end
  elseif storyId ~= id and member ~= storyId then
    redis.call('HSET', current, 'm:' .. id, storyId)
  end
  stories[i + 1] = storyId
  owns[i + 1] = storyId ~= id and (lookup('p:' .. storyId) or '') or ''
end
redis.call('EXPIREAT', current, expireAt)
return { stories, owns }
