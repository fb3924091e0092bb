import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ownTopicId, QUEUE, redisKeys } from '@tidings/shared';
import { ROOT, testPrefix, testRedis, testRedisUrl } from '@tidings/testing';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';

const CLI = path.join(ROOT, 'apps/cli/dist/main.js');

describe('tidings subscribers and notify test', () => {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    REDIS_URL: testRedisUrl(),
    TIDINGS_PREFIX: testPrefix(),
    DASHBOARD_PUBLIC_URL: 'https://news.example.org/',
  };
  const tidings = (args: string[], extra: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...env, ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('adds, lists and removes a subscription; the webhook secret is shown once', () => {
    const added = tidings([
      'subscribers',
      'add',
      '--name',
      'Ann',
      '--topics',
      'Crypto,IPO',
      '--email',
      'ann@example.com',
      '--webhook',
      'https://hooks.example.org/ann',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const sub = JSON.parse(added.stdout);
    expect(sub).toMatchObject({ name: 'Ann', topics: ['Crypto', 'IPO'], email: 'ann@example.com' });
    expect(sub.id).toMatch(/^sub-[a-f0-9]{16}$/);
    expect(sub.feedUrl).toMatch(/^https:\/\/news\.example\.org\/feeds\/s\/[a-f0-9]{32}\.atom$/);
    expect(sub.jsonFeedUrl).toBe(sub.feedUrl.replace(/\.atom$/, '.json'));
    expect(sub.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const listed = tidings(['subscribers', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(sub.id);
    expect(listed.stdout).not.toContain(sub.webhookSecret);

    expect(tidings(['subscribers', 'remove', sub.id]).code).toBe(0);
    expect(tidings(['subscribers', 'list']).stdout).not.toContain(sub.id);
    expect(tidings(['subscribers', 'remove', sub.id]).code).toBe(1);
    // Six CLI processes, each starting Node.
  }, 180_000);

  it('adds own topics with --own, queues their backfill, and refuses markup in one', async () => {
    const added = tidings([
      'subscribers',
      'add',
      '--name',
      'Cy',
      '--own',
      'blockchain tokens',
      '--own',
      'Lithium  mines',
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      name: 'Cy',
      topics: [],
      ownTopics: ['blockchain tokens', 'Lithium mines'],
    });
    const redis = testRedis();
    const backfill = new Queue(QUEUE.backfill, { connection: redis, prefix: env.TIDINGS_PREFIX });
    const queued = (await backfill.getWaiting()).map((j) => j.data.topicId).sort();
    await backfill.close();
    await redis.quit();
    expect(queued).toEqual([ownTopicId('blockchain tokens'), ownTopicId('lithium mines')].sort());

    const markup = tidings(['subscribers', 'add', '--name', 'Cy', '--own', '<img src=x>']);
    expect(markup.code).toBe(1);
    expect(markup.stderr.trim().split('\n').at(-1)).toBe(
      'tidings cli: ownTopics[0]: contains < or >: markup is not a topic; write plain words without tags',
    );
  }, 60_000);

  it('subscribers check rebuilds the own-topic registry from the subscriptions and prints what it fixed', async () => {
    const added = tidings(['subscribers', 'add', '--name', 'Di', '--own', 'copper mines']);
    expect(added.code, added.stderr).toBe(0);
    const di = JSON.parse(added.stdout);
    const keys = redisKeys(env.TIDINGS_PREFIX);
    const copper = ownTopicId('copper mines');
    const orphan = ownTopicId('left behind');
    const redis = testRedis();
    try {
      // An orphan and a lost registration, written directly.
      await redis.hset(keys.ownTopics, orphan, 'left behind');
      await redis.hdel(keys.ownTopics, copper);
      const checked = tidings(['subscribers', 'check']);
      expect(checked.code, checked.stderr).toBe(0);
      expect(JSON.parse(checked.stdout)).toEqual({
        orphansRemoved: [{ id: orphan, words: 'left behind' }],
        missingAdded: [{ id: copper, words: 'copper mines' }],
        holdersFixed: 0,
      });
      expect(checked.stderr).toContain(
        'own-topic registry: orphaned topics removed 1, missing registrations added 1, subscriber entries fixed 0',
      );
      const registry = await redis.hgetall(keys.ownTopics);
      expect(registry[copper]).toBe('copper mines');
      expect(registry).not.toHaveProperty(orphan);
      expect(await redis.smembers(keys.ownTopicSubscribers(copper))).toEqual([di.id]);
      const again = tidings(['subscribers', 'check']);
      expect(JSON.parse(again.stdout)).toEqual({ orphansRemoved: [], missingAdded: [], holdersFixed: 0 });
    } finally {
      await redis.quit();
    }
  }, 60_000);

  it('refuses an unknown topic, naming the labels to choose from', () => {
    const r = tidings(['subscribers', 'add', '--name', 'Bo', '--topics', 'Gold', '--email', 'bo@example.com']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      "tidings cli: no topic 'Gold'; choose among the configured labels: Crypto, SEC, Dividend, Economics, Oil or Gas, IPO, Politics, Buffet, Stock, Other",
    );
  });

  it('notify test reports each destination, and says when none is configured', () => {
    const none = tidings(['notify', 'test'], { DASHBOARD_PUBLIC_URL: '' });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('DASHBOARD_PUBLIC_URL is unset');
    expect(none.stderr).toContain('no destination is configured');
    const dead = tidings(['notify', 'test'], { NOTIFY_SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hooks/secret-path' });
    expect(dead.code).toBe(1);
    expect(dead.stdout).toMatch(/^failed: slack: http:\/\/127\.0\.0\.1:9\/…: no answer/m);
    expect(dead.stdout + dead.stderr).not.toContain('secret-path');
  });
});
