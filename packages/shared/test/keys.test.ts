import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { groupedKey, keySpaceOf, keySpaceOfQueue, queuePrefix, redisKeys } from '../src/keys.js';

describe('key space', () => {
  it('keeps every single-server (and Sentinel) key name as it always was', () => {
    const keys = redisKeys(keySpaceOf(loadConfig({ TIDINGS_PREFIX: 'tidings' })));
    expect([
      keys.seenArticle('a1'),
      keys.runArticles('r1'),
      keys.runFeeds('r1'),
      keys.storyIndex(7),
      keys.storySources('s1'),
      keys.feedHostReaders('example.org'),
      keys.feedHostNext('example.org'),
      keys.notifyHostSenders('hooks.example:8443'),
      keys.notifyHostNext('hooks.example:8443'),
      keys.ownTopicClaims('192.0.2.7'),
      keys.workerHeartbeat('w1'),
      keys.workerIndex,
      keys.problem('p1'),
      keys.problemIndex,
    ]).toEqual([
      'tidings:seen:a1',
      'tidings:run-articles:r1',
      'tidings:run-feeds:r1',
      'tidings:story-index:7',
      'tidings:story-sources:s1',
      'tidings:feed-host:example.org:readers',
      'tidings:feed-host:example.org:next',
      'tidings:notify-host:hooks.example:8443:senders',
      'tidings:notify-host:hooks.example:8443:next',
      'tidings:own-topic-claims:192.0.2.7',
      'tidings:workers:w1',
      'tidings:worker-index',
      'tidings:problems:p1',
      'tidings:problem-index',
    ]);
    expect(queuePrefix('tidings')).toBe('tidings');
  });

  it('on a cluster puts the group tag in front, so keys used together share a slot', () => {
    const space = keySpaceOf(loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', TIDINGS_PREFIX: 'tidings' }));
    expect(space).toEqual({ prefix: 'tidings', cluster: true });
    const keys = redisKeys(space);
    expect(keys.runArticles('r1')).toBe('{tidings:run:r1}:run-articles:r1');
    expect(keys.runFeeds('r1')).toBe('{tidings:run:r1}:run-feeds:r1');
    expect(keys.storyIndex(7)).toBe('{tidings:stories}:story-index:7');
    expect(keys.storySources('s1')).toBe('{tidings:store}:story-sources:s1');
    expect(keys.seenArticle('a1')).toBe('{tidings:seen}:seen:a1');
    expect(keys.feedHostReaders('example.org')).toBe('{tidings:feed-host:example.org}:feed-host:example.org:readers');
    expect(keys.notifyHostSenders('hooks.example')).toBe(
      '{tidings:notify-host:hooks.example}:notify-host:hooks.example:senders',
    );
    expect(keys.topicsChannel).toBe('tidings:topics');
    expect(groupedKey(space, 'store', 'store:labels')).toBe('{tidings:store}:store:labels');
  });

  it('gives BullMQ one tagged prefix for every queue, and reads the key space back from it', () => {
    const space = { prefix: 'tidings', cluster: true };
    expect(queuePrefix(space)).toBe('{tidings}');
    expect(keySpaceOfQueue(queuePrefix(space))).toEqual(space);
    expect(keySpaceOfQueue('tidings')).toEqual({ prefix: 'tidings', cluster: false });
  });
});
