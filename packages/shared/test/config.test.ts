import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARS, ConfigError, DEFAULT_FEED, describeConfig, loadConfig, redactUrl } from '../src/index.js';

const README = fs.readFileSync(path.join(import.meta.dirname, '../../../README.md'), 'utf8');

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config defaults', () => {
  const config = loadConfig({});

  it('applies every documented default', () => {
    expect(config.redis).toEqual({
      kind: 'url',
      url: 'redis://127.0.0.1:6379',
      embedded: true,
      embeddedPort: 0,
      tlsCaFile: undefined,
      nodes: [],
      sentinelName: undefined,
      sentinelPassword: undefined,
      username: undefined,
      password: undefined,
      tls: false,
      allowEviction: false,
    });
    expect(config.prefix).toBe('tidings');
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.feeds).toEqual({
      urls: [DEFAULT_FEED],
      timeoutMs: 15_000,
      maxBytes: 5 * 1024 * 1024,
      retries: 3,
      summaryMaxChars: 1000,
      allowPrivate: false,
      concurrency: 8,
      hostConcurrency: 2,
      hostDelayMs: 250,
    });
    expect(config.schedule).toEqual({
      cron: '0 6 * * *',
      tz: 'UTC',
      catchUpMaxAgeMs: 86_400_000,
      freshnessGraceMs: 7_200_000,
    });
    expect(config.seenTtlDays).toBe(30);
    expect(config.zeroShot).toEqual({
      labels: ['Crypto', 'SEC', 'Dividend', 'Economics', 'Oil or Gas', 'IPO', 'Politics', 'Buffet', 'Stock', 'Other'],
      hypothesisTemplate: 'This example is {}.',
      multiLabel: false,
    });
    expect(config.classifier).toEqual({
      modelId: 'Xenova/distilbart-mnli-12-1',
      modelDir: undefined,
      dtype: 'fp32',
      cacheDir: path.resolve('./data/models'),
      allowRemoteModels: true,
      hubEndpoint: 'https://huggingface.co',
      concurrency: 1,
      threads: os.availableParallelism(),
      processes: 1,
      lockMs: 120_000,
      batchSize: 16,
    });
    expect(config.ownTopics).toEqual({
      maxChars: 80,
      perSubscriber: 10,
      ceiling: 200,
      perClientPerDay: 20,
      threshold: 0.8,
      backfillDays: 7,
      preview: { maxArticles: 200, timeoutMs: 15_000 },
    });
    expect(config.aggregator).toEqual({ windowHours: 24, retentionDays: 30, runTimeoutMinutes: 60 });
    expect(config.dashboard).toEqual({
      host: '127.0.0.1',
      port: 3000,
      token: undefined,
      publicUrl: undefined,
      maxSseClients: 100,
      trustProxy: false,
      lowConfidenceScore: 0.5,
    });
    expect(config.logLevel).toBe('info');
  });

  it('is documented once, in the generated docs/configuration.md, which README points to without a copy', () => {
    expect(README).toContain('[docs/configuration.md](docs/configuration.md)');
    // A README table of settings would drift again; config-docs.test.ts keeps the generated one current.
    for (const name of Object.keys(CONFIG_VARS))
      expect(README, `README lists ${name}`).not.toContain(`| \`${name}\` |`);
  });
});

describe('config values', () => {
  it('reads Sentinel and Cluster addresses, each a kind of its own', () => {
    const sentinel = loadConfig({
      REDIS_SENTINELS: '10.0.0.1:26379, [::1]:26380,sentinel.internal:26381',
      REDIS_SENTINEL_NAME: 'tidings-main',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      REDIS_PASSWORD: 'data-secret',
      REDIS_TLS: 'true',
    }).redis;
    expect(sentinel).toMatchObject({
      kind: 'sentinel',
      embedded: false,
      nodes: [
        { host: '10.0.0.1', port: 26379 },
        { host: '::1', port: 26380 },
        { host: 'sentinel.internal', port: 26381 },
      ],
      sentinelName: 'tidings-main',
      sentinelPassword: 'sentinel-secret',
      password: 'data-secret',
      tls: true,
    });
    const cluster = loadConfig({ REDIS_CLUSTER_NODES: 'c1:7000,c2:7001', REDIS_USERNAME: 'tidings' }).redis;
    expect(cluster).toMatchObject({
      kind: 'cluster',
      embedded: false,
      nodes: [
        { host: 'c1', port: 7000 },
        { host: 'c2', port: 7001 },
      ],
      username: 'tidings',
    });
  });

  it('reads durations in seconds, minutes, hours and days', () => {
    expect(loadConfig({ CATCH_UP_MAX_AGE: '2d', FRESHNESS_GRACE: '90m' }).schedule).toMatchObject({
      catchUpMaxAgeMs: 2 * 86_400_000,
      freshnessGraceMs: 90 * 60_000,
    });
    expect(loadConfig({ FRESHNESS_GRACE: '1.5h' }).schedule.freshnessGraceMs).toBe(5_400_000);
    expect(loadConfig({ FRESHNESS_GRACE: '30s' }).schedule.freshnessGraceMs).toBe(30_000);
  });

  it('reads lists, numbers and booleans', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://:pw@redis.internal:6380/2',
      FEED_URLS: ' https://a.example/rss , ./local.xml ,',
      LABELS: 'Tech, Health',
      MULTI_LABEL: 'yes',
      CLASSIFIER_THREADS: '3',
      WINDOW_HOURS: '12.5',
      MODEL_DIR: 'models/x',
      MODEL_DTYPE: 'q8',
      HF_ENDPOINT: 'http://hf-mirror.internal:8080/',
    });
    // Without the slash, since file URLs are `{endpoint}/{model}/resolve/...`.
    expect(config.classifier.hubEndpoint).toBe('http://hf-mirror.internal:8080');
    expect(config.redis).toMatchObject({ url: 'redis://:pw@redis.internal:6380/2', embedded: false });
    expect(config.feeds.urls).toEqual(['https://a.example/rss', './local.xml']);
    expect(config.zeroShot.labels).toEqual(['Tech', 'Health']);
    expect(config.zeroShot.multiLabel).toBe(true);
    expect(config.classifier.threads).toBe(3);
    expect(config.classifier.modelDir).toBe(path.resolve('models/x'));
    expect(config.classifier.dtype).toBe('q8');
    expect(config.aggregator.windowHours).toBe(12.5);
  });

  it.each([
    [{ DIGEST_CRON: '61 * * * *' }, "DIGEST_CRON: not a valid cron pattern: '61 * * * *'"],
    [{ DIGEST_CRON: 'daily' }, "DIGEST_CRON: not a valid cron pattern: 'daily'"],
    [{ DIGEST_TZ: 'Mars/Olympus' }, "DIGEST_TZ: not a known IANA time zone: 'Mars/Olympus'"],
    [
      { CATCH_UP_MAX_AGE: '24' },
      "CATCH_UP_MAX_AGE: not a duration like 90m, 24h or 2d (a number and s, m, h or d): '24'",
    ],
    [{ FRESHNESS_GRACE: '0h' }, "FRESHNESS_GRACE: must be longer than 0: '0h'"],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL: not a redis:// or rediss:// URL: (value hidden)'],
    [{ REDIS_PORT: '70000' }, "REDIS_PORT: must be at most 65535: '70000'"],
    [
      { REDIS_URL: 'redis://r:6379', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'main' },
      'REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES: set only one of them, not REDIS_URL and REDIS_SENTINELS',
    ],
    [
      { REDIS_SENTINELS: 's1:26379', REDIS_CLUSTER_NODES: 'c1:6379' },
      'REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES: set only one of them, not REDIS_SENTINELS and REDIS_CLUSTER_NODES',
    ],
    [
      { REDIS_SENTINELS: 's1:26379' },
      'REDIS_SENTINEL_NAME: needed with REDIS_SENTINELS: the name the Sentinels know the primary by',
    ],
    [{ REDIS_SENTINELS: 's1:26379,s2' }, "REDIS_SENTINELS: not a host:port list: 's1:26379,s2'"],
    [{ REDIS_CLUSTER_NODES: 'c1:99999' }, "REDIS_CLUSTER_NODES: a port is not 1-65535: 'c1:99999'"],
    [{ REDIS_SENTINEL_NAME: 'main' }, 'REDIS_SENTINEL_NAME: only used with REDIS_SENTINELS, which is unset'],
    [{ REDIS_SENTINEL_PASSWORD: 'pw' }, 'REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS, which is unset'],
    [
      { REDIS_USERNAME: 'tidings' },
      'REDIS_USERNAME: only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES; a REDIS_URL carries its own (rediss://user:password@host:port)',
    ],
    [{ REDIS_ALLOW_EVICTION: 'maybe' }, "REDIS_ALLOW_EVICTION: not true or false: 'maybe'"],
    [
      { REDIS_PASSWORD: 'pw', REDIS_URL: 'redis://r:6379' },
      'REDIS_PASSWORD: only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES; a REDIS_URL carries its own (rediss://user:password@host:port)',
    ],
    [
      { REDIS_TLS: 'true' },
      'REDIS_TLS: only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES; a REDIS_URL carries its own (rediss://user:password@host:port)',
    ],
    [{ TIDINGS_PREFIX: 'a:b' }, "TIDINGS_PREFIX: use 1-32 letters, digits, - or _: 'a:b'"],
    [{ DATA_DIR: '' }, "DATA_DIR: must not be empty: ''"],
    [{ FEED_URLS: ' , ' }, "FEED_URLS: needs at least one feed URL or file: ' , '"],
    [
      { FEED_URLS: 'ftp://x.example/feed' },
      "FEED_URLS: only http(s) URLs or local file paths are feeds: 'ftp://x.example/feed'",
    ],
    [
      { FEED_URLS: 'ftp://reader:s3cret@x.example/feed?key=abc' },
      "FEED_URLS: only http(s) URLs or local file paths are feeds: 'ftp://****:****@x.example/feed?key=****'",
    ],
    [{ FEED_ALLOW_PRIVATE: 'maybe' }, "FEED_ALLOW_PRIVATE: not true or false: 'maybe'"],
    [{ FETCH_TIMEOUT_MS: '15s' }, "FETCH_TIMEOUT_MS: not a whole number: '15s'"],
    [{ FETCH_MAX_BYTES: '10' }, "FETCH_MAX_BYTES: must be at least 1024: '10'"],
    [{ FETCH_RETRIES: '11' }, "FETCH_RETRIES: must be at most 10: '11'"],
    [{ FEED_CONCURRENCY: '0' }, "FEED_CONCURRENCY: must be at least 1: '0'"],
    [{ FEED_HOST_CONCURRENCY: '65' }, "FEED_HOST_CONCURRENCY: must be at most 64: '65'"],
    [{ FEED_HOST_DELAY_MS: '60001' }, "FEED_HOST_DELAY_MS: must be at most 60000: '60001'"],
    [{ SUMMARY_MAX_CHARS: '-1' }, "SUMMARY_MAX_CHARS: not a whole number: '-1'"],
    [{ SEEN_TTL_DAYS: '0' }, "SEEN_TTL_DAYS: must be at least 1: '0'"],
    [{ LABELS: 'Only' }, "LABELS: needs at least two comma-separated labels: 'Only'"],
    [{ LABELS: 'A,a' }, "LABELS: labels repeat: 'A,a'"],
    [
      { LABELS: 'Oil or Gas,Oil-or-Gas!' },
      "LABELS: two labels have the same feed slug (lowercase, other characters as -): 'Oil or Gas,Oil-or-Gas!'",
    ],
    [{ LABELS: 'All,Stock' }, "LABELS: a label's feed slug is empty or 'all', which names every topic: 'All,Stock'"],
    [
      { HYPOTHESIS_TEMPLATE: 'This is it.' },
      "HYPOTHESIS_TEMPLATE: must contain {} where the label goes: 'This is it.'",
    ],
    [{ MULTI_LABEL: 'maybe' }, "MULTI_LABEL: not true or false: 'maybe'"],
    [{ MODEL_ID: 'not a model' }, "MODEL_ID: not a hub model id like owner/name: 'not a model'"],
    [{ MODEL_DTYPE: 'fp16' }, "MODEL_DTYPE: must be fp32 or q8: 'fp16'"],
    [{ ALLOW_REMOTE_MODELS: 'sometimes' }, "ALLOW_REMOTE_MODELS: not true or false: 'sometimes'"],
    [
      { HF_ENDPOINT: 'hf-mirror.internal' },
      "HF_ENDPOINT: not an absolute http(s) URL without credentials: 'hf-mirror.internal'",
    ],
    [{ CLASSIFIER_CONCURRENCY: '0' }, "CLASSIFIER_CONCURRENCY: must be at least 1: '0'"],
    [{ CLASSIFIER_THREADS: 'all' }, "CLASSIFIER_THREADS: not a whole number: 'all'"],
    [{ CLASSIFIER_PROCESSES: '65' }, "CLASSIFIER_PROCESSES: must be at most 64: '65'"],
    [{ CLASSIFIER_LOCK_MS: '10' }, "CLASSIFIER_LOCK_MS: must be at least 5000: '10'"],
    [{ WINDOW_HOURS: '0' }, "WINDOW_HOURS: must be greater than 0: '0'"],
    [{ RETENTION_DAYS: 'x' }, "RETENTION_DAYS: not a whole number: 'x'"],
    [{ RUN_TIMEOUT_MINUTES: 'soon' }, "RUN_TIMEOUT_MINUTES: not a positive number: 'soon'"],
    [{ DASHBOARD_HOST: '' }, "DASHBOARD_HOST: must not be empty: ''"],
    [{ DASHBOARD_PORT: '99999' }, "DASHBOARD_PORT: must be at most 65535: '99999'"],
    [{ HEALTH_PORT: '0' }, "HEALTH_PORT: must be at least 1: '0'"],
    [{ DASHBOARD_TOKEN: 'short' }, 'DASHBOARD_TOKEN: must be at least 16 characters: (value hidden)'],
    [
      { DASHBOARD_PUBLIC_URL: 'ftp://news.example.com' },
      "DASHBOARD_PUBLIC_URL: not an absolute http(s) URL without credentials: 'ftp://news.example.com'",
    ],
    [
      { DASHBOARD_PUBLIC_URL: '/dashboard' },
      "DASHBOARD_PUBLIC_URL: not an absolute http(s) URL without credentials: '/dashboard'",
    ],
    [{ DASHBOARD_MAX_SSE_CLIENTS: '0' }, "DASHBOARD_MAX_SSE_CLIENTS: must be at least 1: '0'"],
    [{ TRUST_PROXY: 'maybe' }, "TRUST_PROXY: not true or false: 'maybe'"],
    [{ SMTP_URL: 'mail.example.org:25' }, 'SMTP_URL: not an smtp:// or smtps:// URL: (value hidden)'],
    [{ NOTIFY_EMAIL_FROM: 'x' }, "NOTIFY_EMAIL_FROM: must be an address: 'x'"],
    [
      { NOTIFY_WEBHOOK_URLS: 'ftp://hooks.example' },
      'NOTIFY_WEBHOOK_URLS: not an absolute http(s) URL without credentials: (value hidden)',
    ],
    [
      { NOTIFY_WEBHOOK_SECRET: 'short' },
      'NOTIFY_WEBHOOK_SECRET: each secret must be whsec_ + base64 of at least 16 bytes, or at least 16 characters: (value hidden)',
    ],
    [
      { NOTIFY_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_tooShort' },
      'NOTIFY_WEBHOOK_SECRET: each secret must be whsec_ + base64 of at least 16 bytes, or at least 16 characters: (value hidden)',
    ],
    [
      { WEBSUB_HUB_URLS: 'https://hub.example/,pubsubhubbub.example' },
      "WEBSUB_HUB_URLS: not an absolute http(s) URL without credentials: 'https://hub.example/,pubsubhubbub.example'",
    ],
    [
      { NOTIFY_SLACK_WEBHOOK_URL: 'hooks.slack.com/x' },
      'NOTIFY_SLACK_WEBHOOK_URL: not an absolute http(s) URL without credentials: (value hidden)',
    ],
    [{ NOTIFY_ATTEMPTS: '0' }, "NOTIFY_ATTEMPTS: must be at least 1: '0'"],
    [{ NOTIFY_RETRY_DELAY_MS: '10' }, "NOTIFY_RETRY_DELAY_MS: must be at least 100: '10'"],
    [{ OWN_TOPIC_MAX_CHARS: '2000' }, "OWN_TOPIC_MAX_CHARS: must be at most 200: '2000'"],
    [{ OWN_TOPICS_PER_SUBSCRIBER: 'many' }, "OWN_TOPICS_PER_SUBSCRIBER: not a whole number: 'many'"],
    [{ OWN_TOPICS_MAX: '-1' }, "OWN_TOPICS_MAX: not a whole number: '-1'"],
    [{ OWN_TOPICS_PER_CLIENT: 'lots' }, "OWN_TOPICS_PER_CLIENT: not a whole number: 'lots'"],
    [{ OWN_TOPIC_THRESHOLD: '2' }, "OWN_TOPIC_THRESHOLD: not a number from 0 to 1: '2'"],
    [{ CLASSIFY_BATCH_SIZE: '0' }, "CLASSIFY_BATCH_SIZE: must be at least 1: '0'"],
    [{ BACKFILL_DAYS: 'week' }, "BACKFILL_DAYS: not a whole number: 'week'"],
    [{ PREVIEW_MAX_ARTICLES: '0' }, "PREVIEW_MAX_ARTICLES: must be at least 1: '0'"],
    [{ PREVIEW_TIMEOUT_MS: '15s' }, "PREVIEW_TIMEOUT_MS: not a whole number: '15s'"],
    [{ LOW_CONFIDENCE_SCORE: '1.5' }, "LOW_CONFIDENCE_SCORE: not a number from 0 to 1: '1.5'"],
    [{ STORY_SIMILARITY: '0' }, "STORY_SIMILARITY: must be greater than 0: '0'"],
    [{ STORY_SIMILARITY: 'high' }, "STORY_SIMILARITY: not a number from 0 to 1: 'high'"],
    [{ STORY_WINDOW_HOURS: '-1' }, "STORY_WINDOW_HOURS: not a positive number: '-1'"],
    [{ REDIS_DEFAULT_URL: 'localhost:6379' }, 'REDIS_DEFAULT_URL: not a redis:// or rediss:// URL: (value hidden)'],
    [{ LOG_LEVEL: 'loud' }, "LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent: 'loud'"],
    [{ FEEDBACK_PER_READER: '0' }, "FEEDBACK_PER_READER: must be at least 1: '0'"],
    [{ FEEDBACK_MAX: 'all' }, "FEEDBACK_MAX: not a whole number: 'all'"],
    [{ CALIBRATION_FOLDS: '1' }, "CALIBRATION_FOLDS: must be at least 2: '1'"],
    [{ CALIBRATION_MIN_VOTES: '1' }, "CALIBRATION_MIN_VOTES: must be at least 2: '1'"],
    [{ CALIBRATION_READER_SHARE: '0' }, "CALIBRATION_READER_SHARE: must be greater than 0: '0'"],
    [{ CALIBRATE_AFTER_RUN: 'sometimes' }, "CALIBRATE_AFTER_RUN: not true or false: 'sometimes'"],
  ])('rejects %o with one clear line', (env, message) => {
    expect(errorOf(env)).toBe(message);
  });

  it('every variable has a rejection case above or takes any text', () => {
    const freeText = new Set(['MODEL_DIR', 'MODEL_CACHE_DIR', 'NOTIFY_TOPICS', 'REDIS_TLS_CA']);
    const source = fs.readFileSync(import.meta.filename, 'utf8');
    const tested = new Set(Array.from(source.matchAll(/\{ ([A-Z_]+): '/g), (m) => m[1]));
    for (const name of Object.keys(CONFIG_VARS)) {
      if (!freeText.has(name)) expect(tested, `no rejection case for ${name}`).toContain(name);
    }
  });

  it('masks credentials in URLs: a password, a lone user name, token-like query values', () => {
    expect(redactUrl('https://me:hunter2@feeds.example/rss?x=1')).toBe('https://me:****@feeds.example/rss?x=1');
    expect(redactUrl('https://ghp_abc123@feeds.example/rss')).toBe('https://****@feeds.example/rss');
    expect(redactUrl('https://feeds.example/rss?api_key=k1&access_token=t1&page=2')).toBe(
      'https://feeds.example/rss?api_key=****&access_token=****&page=2',
    );
  });

  it('masks secrets when describing the configuration', () => {
    const described = describeConfig({
      REDIS_URL: 'redis://user:hunter2hunter2@redis.internal:6379',
      DASHBOARD_TOKEN: 'a-very-secret-token-123',
      SMTP_URL: 'smtps://mailer:mail-pass-123@smtp.example.org:465',
      NOTIFY_WEBHOOK_URLS: 'https://hooks.example/in/token-abc-123',
      NOTIFY_WEBHOOK_SECRET: 'webhook-secret-456789',
    });
    const text = JSON.stringify(described);
    expect(text).not.toContain('hunter2hunter2');
    expect(text).not.toContain('a-very-secret-token-123');
    for (const secret of ['mail-pass-123', 'token-abc-123', 'webhook-secret-456789'])
      expect(text).not.toContain(secret);
    expect(described.REDIS_URL).toBe('redis://user:****@redis.internal:6379');
    expect(described.DASHBOARD_TOKEN).toBe('********');
    expect(described.DIGEST_CRON).toBe('0 6 * * *');
    expect(described.MODEL_DIR).toBeNull();
  });

  it('masks the Sentinel and data-node passwords when describing the configuration', () => {
    const described = describeConfig({
      REDIS_SENTINELS: '10.0.0.1:26379',
      REDIS_SENTINEL_NAME: 'main',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pass-789',
      REDIS_PASSWORD: 'data-pass-789',
    });
    expect(JSON.stringify(described)).not.toMatch(/sentinel-pass-789|data-pass-789/);
    expect(described.REDIS_SENTINEL_PASSWORD).toBe('********');
    expect(described.REDIS_SENTINELS).toBe('10.0.0.1:26379');
  });

  it('masks credentials in feed URLs when describing the configuration', () => {
    const described = describeConfig({
      FEED_URLS: 'https://reader:pa55word@feeds.example/rss?token=t0k3n&lang=en,./local.xml',
    });
    expect(described.FEED_URLS).toBe('https://****:****@feeds.example/rss?token=****&lang=****,./local.xml');
    expect(JSON.stringify(described)).not.toMatch(/pa55word|t0k3n|reader/);
  });
});
