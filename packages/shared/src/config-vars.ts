import os from 'node:os';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { maskFeedUrl } from './mask-url.js';
import { ALL_TOPICS_SLUG, topicSlug } from './topic-slug.js';
import { isStandardWebhookSecret, WEBHOOK_SECRET_PREFIX } from './webhook-secret.js';

/**
 * The sections of docs/configuration.md and .env.example, in their order: each setting
 * names its own, so the generated documents group it without a list of their own.
 */
export const CONFIG_GROUPS = {
  redis: 'Redis and data',
  feeds: 'Reading feeds',
  schedule: 'Runs, schedule and the store',
  topics: 'Topics',
  'own-topics': "Subscribers' own topics",
  feedback: 'Feedback and calibration',
  classifier: 'Model and classifier',
  dashboard: 'Dashboard',
  delivery: 'Delivery: email, webhooks, Slack, WebSub',
  operations: 'Operations',
} as const;
export type ConfigGroup = keyof typeof CONFIG_GROUPS;

/**
 * Every environment variable tidings reads, with its default and meaning. docs/configuration.md
 * and .env.example are generated from these (`pnpm docs`; a test fails when they drift).
 */
export interface VarSpec<T> {
  group: ConfigGroup;
  default: string | undefined;
  /** The default as the docs state it, when it depends on the machine (and `default` would differ between two). */
  defaultShown?: string;
  description: string;
  secret?: boolean;
  /** How the raw value is shown in errors and `tidings config` when only part of it is secret. */
  mask?: (raw: string) => string;
  schema: z.ZodType<T, string>;
}

const spec = <T>(s: VarSpec<T>): VarSpec<T> => s;

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'not a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const positive = z
  .string()
  .regex(/^\d+(\.\d+)?$/, { message: 'not a positive number' })
  .transform(Number)
  .pipe(z.number().positive({ message: 'must be greater than 0' }));

const bool = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'not true or false' }))
  .transform((s) => s === 'true' || s === '1' || s === 'yes');

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);

const optionalText = z.string().transform((s) => (s.trim() === '' ? undefined : s.trim()));

/**
 * Signing secrets: `whsec_` + base64 of at least 16 key bytes, or (from before Standard
 * Webhooks) any string of at least 16 characters, whose UTF-8 bytes are the key.
 */
const webhookSecrets = z
  .string()
  .transform((s) => s.split(/[\s,]+/).filter((x) => x.length > 0))
  .pipe(
    z.array(
      z
        .string()
        .refine(
          (secret) =>
            secret.startsWith(WEBHOOK_SECRET_PREFIX) ? isStandardWebhookSecret(secret) : secret.length >= 16,
          { message: 'each secret must be whsec_ + base64 of at least 16 bytes, or at least 16 characters' },
        ),
    ),
  );

const redisUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
    } catch {
      return false;
    }
  },
  { message: 'not a redis:// or rediss:// URL' },
);

/** host:port pairs, e.g. `10.0.0.1:26379,10.0.0.2:26379`; IPv6 hosts in brackets. */
const hostPortList = list.pipe(
  z
    .array(
      z
        .string()
        .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, { message: 'not a host:port list' })
        .refine((s) => Number(s.split(':').at(-1)) <= 65535 && Number(s.split(':').at(-1)) >= 1, {
          message: 'a port is not 1-65535',
        }),
    )
    .min(1, { message: 'needs at least one host:port' }),
);

const httpUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !u.username && !u.password;
    } catch {
      return false;
    }
  },
  { message: 'not an absolute http(s) URL without credentials' },
);

const feedList = list.pipe(
  z
    .array(
      z.string().refine((s) => !/^[a-z]+:\/\//i.test(s) || /^https?:\/\/[^/]+/i.test(s), {
        message: 'only http(s) URLs or local file paths are feeds',
      }),
    )
    .min(1, { message: 'needs at least one feed URL or file' }),
);

const cron = z.string().refine(
  (s) => {
    try {
      CronExpressionParser.parse(s, { strict: false });
      return s.trim().split(/\s+/).length >= 5;
    } catch {
      return false;
    }
  },
  { message: 'not a valid cron pattern' },
);

/** A span of time such as `90m`, `24h` or `2d` (s, m, h or d), as milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?[smhd]$/, { message: 'not a duration like 90m, 24h or 2d (a number and s, m, h or d)' })
  .transform((s) => Number(s.slice(0, -1)) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[s.slice(-1) as 's'])
  .pipe(z.number().positive({ message: 'must be longer than 0' }));

const timeZone = z.string().refine(
  (s) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: s });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a known IANA time zone' },
);

const labels = list.pipe(
  z
    .array(z.string().max(64, { message: 'a label is longer than 64 characters' }))
    .min(2, { message: 'needs at least two comma-separated labels' })
    .refine((l) => new Set(l.map((x) => x.toLowerCase())).size === l.length, { message: 'labels repeat' })
    .refine((l) => new Set(l.map(topicSlug)).size === l.length, {
      message: 'two labels have the same feed slug (lowercase, other characters as -)',
    })
    .refine((l) => l.every((x) => topicSlug(x) !== ALL_TOPICS_SLUG && topicSlug(x) !== ''), {
      message: `a label's feed slug is empty or '${ALL_TOPICS_SLUG}', which names every topic`,
    }),
);

const smtpUrl = z.string().refine((s) => /^smtps?:\/\/[^\s/]+/i.test(s) && URL.canParse(s), {
  message: 'not an smtp:// or smtps:// URL',
});

export const DEFAULT_FEED = 'https://www.cnbc.com/id/19746125/device/rss/rss.xml';
export const DEFAULT_LABELS = 'Crypto,SEC,Dividend,Economics,Oil or Gas,IPO,Politics,Buffet,Stock,Other';

export const CONFIG_VARS = {
  REDIS_URL: spec({
    group: 'redis',
    default: undefined,
    description:
      'Redis server (or REDIS_SENTINELS or REDIS_CLUSTER_NODES instead). None set: `tidings start`/`demo` start a private redis-server with a password (DATA_DIR/redis-password), the CLI finds it through DATA_DIR/stack.json, and anything else uses REDIS_DEFAULT_URL.',
    secret: true,
    schema: optionalText.pipe(redisUrl.optional()),
  }),
  REDIS_DEFAULT_URL: spec({
    group: 'redis',
    default: 'redis://127.0.0.1:6379',
    description:
      'The Redis a command or service uses when REDIS_URL is unset and no stack is recorded in DATA_DIR/stack.json.',
    secret: true,
    schema: redisUrl,
  }),
  REDIS_TLS_CA: spec({
    group: 'redis',
    default: undefined,
    description:
      'A CA certificate file (PEM) to trust for a rediss:// REDIS_URL (or REDIS_TLS), e.g. a private CA; default the system CAs.',
    schema: optionalText,
  }),
  REDIS_SENTINELS: spec({
    group: 'redis',
    default: undefined,
    description:
      'Comma-separated host:port of the Sentinels watching the Redis primary (instead of REDIS_URL); needs REDIS_SENTINEL_NAME.',
    schema: optionalText.pipe(hostPortList.optional()),
  }),
  REDIS_SENTINEL_NAME: spec({
    group: 'redis',
    default: undefined,
    description: "The primary's name the Sentinels know it by (`sentinel monitor <name> ...`), with REDIS_SENTINELS.",
    schema: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'use 1-64 letters, digits, . - or _' })
        .optional(),
    ),
  }),
  REDIS_SENTINEL_PASSWORD: spec({
    group: 'redis',
    default: undefined,
    description: "The Sentinels' own password (`requirepass` in sentinel.conf), when they have one.",
    secret: true,
    schema: optionalText,
  }),
  REDIS_CLUSTER_NODES: spec({
    group: 'redis',
    default: undefined,
    description:
      'Comma-separated host:port of some nodes of a Redis Cluster (instead of REDIS_URL); the rest are discovered.',
    schema: optionalText.pipe(hostPortList.optional()),
  }),
  REDIS_USERNAME: spec({
    group: 'redis',
    default: undefined,
    description:
      'ACL user of the Redis data nodes with REDIS_SENTINELS or REDIS_CLUSTER_NODES (a REDIS_URL carries its own).',
    schema: optionalText,
  }),
  REDIS_PASSWORD: spec({
    group: 'redis',
    default: undefined,
    description:
      'Password of the Redis data nodes with REDIS_SENTINELS or REDIS_CLUSTER_NODES (a REDIS_URL carries its own).',
    secret: true,
    schema: optionalText,
  }),
  REDIS_TLS: spec({
    group: 'redis',
    default: 'false',
    description:
      'Speak TLS to the data nodes (and Sentinels) with REDIS_SENTINELS or REDIS_CLUSTER_NODES; REDIS_TLS_CA adds a private CA. A REDIS_URL says it with rediss://.',
    schema: bool,
  }),
  REDIS_ALLOW_EVICTION: spec({
    group: 'redis',
    default: 'false',
    description:
      "Start even though Redis's maxmemory-policy is not noeviction. An evicting Redis silently drops jobs and run records: only for those who accept that.",
    schema: bool,
  }),
  REDIS_PORT: spec({
    group: 'redis',
    default: '0',
    description: 'Port of the private redis-server that `tidings start` runs when REDIS_URL is unset (0: a free port).',
    schema: int(0, 65535),
  }),
  TIDINGS_PREFIX: spec({
    group: 'redis',
    default: 'tidings',
    description: 'Prefix of every Redis key and queue, so several deployments can share one server.',
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { message: 'use 1-32 letters, digits, - or _' }),
  }),
  DATA_DIR: spec({
    group: 'redis',
    default: './data',
    description:
      'Snapshots (runs/<id>.json, latest.json), the embedded Redis append-only file and password, the job-signing key, the model cache.',
    schema: z.string().min(1, { message: 'must not be empty' }),
  }),
  FEED_URLS: spec({
    group: 'feeds',
    default: DEFAULT_FEED,
    description:
      'Comma-separated feed URLs or local files read by each run; credentials in them (user:pass@, query values) are never shown.',
    mask: (raw) =>
      raw
        .split(',')
        .map((feed) => feed.replace(feed.trim(), maskFeedUrl(feed.trim())))
        .join(','),
    schema: feedList,
  }),
  FEED_ALLOW_PRIVATE: spec({
    group: 'feeds',
    default: 'false',
    description:
      'May feeds named in a request (API, queue) reach loopback, private, link-local or metadata addresses; FEED_URLS always may.',
    schema: bool,
  }),
  DIGEST_CRON: spec({
    group: 'schedule',
    default: '0 6 * * *',
    description: 'When the daily digest runs (cron pattern).',
    schema: cron,
  }),
  DIGEST_TZ: spec({ group: 'schedule', default: 'UTC', description: 'Time zone of DIGEST_CRON.', schema: timeZone }),
  CATCH_UP_MAX_AGE: spec({
    group: 'schedule',
    default: '24h',
    description:
      'A scheduled run missed while no loader ran (or Redis lost its job) is started once when a loader starts or Redis comes back, if it was due at most this long ago (e.g. 90m, 24h, 2d); older ones are reported as a problem, not run.',
    schema: duration,
  }),
  FRESHNESS_GRACE: spec({
    group: 'schedule',
    default: '2h',
    description:
      'How long after a scheduled run was due a successful run must have finished; later, `tidings status`, the page and /metrics report the digest late (e.g. 90m, 2h).',
    schema: duration,
  }),
  FETCH_TIMEOUT_MS: spec({
    group: 'feeds',
    default: '15000',
    description: 'Timeout of one feed request.',
    schema: int(100, 300_000),
  }),
  FETCH_MAX_BYTES: spec({
    group: 'feeds',
    default: String(5 * 1024 * 1024),
    description: 'Largest feed body read; a larger one fails that feed.',
    schema: int(1024, 100 * 1024 * 1024),
  }),
  FETCH_RETRIES: spec({
    group: 'feeds',
    default: '3',
    description: 'Retries of a feed request on network errors and 5xx (exponential backoff).',
    schema: int(0, 10),
  }),
  FEED_CONCURRENCY: spec({
    group: 'feeds',
    default: '8',
    description: 'Feeds one loader process reads at once; each feed is a job of its own.',
    schema: int(1, 256),
  }),
  FEED_HOST_CONCURRENCY: spec({
    group: 'feeds',
    default: '2',
    description: 'Feeds read from one host at once, across every loader (politeness).',
    schema: int(1, 64),
  }),
  FEED_HOST_DELAY_MS: spec({
    group: 'feeds',
    default: '250',
    description: 'Least time between the starts of two requests to one host, across every loader (politeness).',
    schema: int(0, 60_000),
  }),
  SUMMARY_MAX_CHARS: spec({
    group: 'feeds',
    default: '1000',
    description: 'Longest summary kept per article (cut at a word boundary, with an ellipsis).',
    schema: int(50, 100_000),
  }),
  SEEN_TTL_DAYS: spec({
    group: 'feeds',
    default: '30',
    description: 'How long an article counts as already seen, so a daily run classifies only new ones.',
    schema: int(1, 3650),
  }),
  STORY_SIMILARITY: spec({
    group: 'feeds',
    default: '0.25',
    description:
      'Articles whose content words overlap at least this much (estimated Jaccard similarity, 0 to 1) are one story: classified once, shown once with the other outlets.',
    schema: z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { message: 'not a number from 0 to 1' })
      .transform(Number)
      .pipe(z.number().positive({ message: 'must be greater than 0' })),
  }),
  STORY_WINDOW_HOURS: spec({
    group: 'feeds',
    default: '24',
    description:
      'A copy of a story joins it when it arrives at least this many hours (at most twice as many) after the story.',
    schema: positive,
  }),
  LABELS: spec({
    group: 'topics',
    default: DEFAULT_LABELS,
    description: 'Comma-separated topic labels.',
    schema: labels,
  }),
  HYPOTHESIS_TEMPLATE: spec({
    group: 'topics',
    default: 'This example is {}.',
    description: 'NLI hypothesis; {} is replaced by each label.',
    schema: z.string().refine((s) => s.includes('{}'), { message: 'must contain {} where the label goes' }),
  }),
  MULTI_LABEL: spec({
    group: 'topics',
    default: 'false',
    description: 'Score each label on its own (entailment vs contradiction) instead of a softmax across labels.',
    schema: bool,
  }),
  OWN_TOPIC_MAX_CHARS: spec({
    group: 'own-topics',
    default: '80',
    description: 'Longest own topic a subscriber may write (characters, after spaces are collapsed).',
    schema: int(8, 200),
  }),
  OWN_TOPICS_PER_SUBSCRIBER: spec({
    group: 'own-topics',
    default: '10',
    description: 'Own topics one subscription may carry.',
    schema: int(0, 100),
  }),
  OWN_TOPICS_MAX: spec({
    group: 'own-topics',
    default: '200',
    description:
      'Distinct own topics (case and spaces normalised) the deployment classifies; a subscription adding one more is refused.',
    schema: int(0, 5_000),
  }),
  OWN_TOPICS_PER_CLIENT: spec({
    group: 'own-topics',
    default: '20',
    description:
      'New own topics (ones no subscription had) one client of the dashboard may register a day; one more gets 429.',
    schema: int(0, 5_000),
  }),
  OWN_TOPIC_THRESHOLD: spec({
    group: 'own-topics',
    default: '0.8',
    description:
      'An article matches an own topic when that topic alone scores at least this (entailment vs contradiction, 0 to 1).',
    schema: z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { message: 'not a number from 0 to 1' })
      .transform(Number),
  }),
  FEEDBACK_PER_READER: spec({
    group: 'feedback',
    default: '1000',
    description:
      "Most verdicts kept from one reader (a feed key, a session, an operator's imports); a new one past it drops that reader's oldest.",
    schema: int(1, 1_000_000),
  }),
  FEEDBACK_MAX: spec({
    group: 'feedback',
    default: '50000',
    description:
      'Most verdicts kept in total, each with the text it was judged on (about 1 KB); a new one past it drops the oldest.',
    schema: int(1, 10_000_000),
  }),
  CALIBRATION_FOLDS: spec({
    group: 'feedback',
    default: '5',
    description:
      'Cross-validation folds a calibration is measured on: it is adopted only when, fitted on the other folds, it beats the model on every held-out fold taken together.',
    schema: int(2, 20),
  }),
  CALIBRATION_MIN_VOTES: spec({
    group: 'feedback',
    default: '30',
    description:
      "Fewest verdicts on shared labels before their calibration is fitted at all (own topics' thresholds are shrunk toward OWN_TOPIC_THRESHOLD instead).",
    schema: int(2, 1_000_000),
  }),
  CALIBRATION_READER_SHARE: spec({
    group: 'feedback',
    default: '0.2',
    description:
      "Largest share of the total weight one reader's verdicts may carry in a shared label's calibration, so one reader cannot move it alone.",
    schema: z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { message: 'not a number from 0 to 1' })
      .transform(Number)
      .pipe(z.number().positive({ message: 'must be greater than 0' })),
  }),
  CALIBRATE_AFTER_RUN: spec({
    group: 'feedback',
    default: 'true',
    description:
      'Fit a calibration after each run when verdicts arrived since the last fit (adopted only when cross-validation says it helps); false: only `tidings calibrate`.',
    schema: bool,
  }),
  CLASSIFY_BATCH_SIZE: spec({
    group: 'classifier',
    default: '16',
    description: 'Most premise/hypothesis pairs in one padded forward pass (the labels, then own topics in batches).',
    schema: int(1, 256),
  }),
  BACKFILL_DAYS: spec({
    group: 'own-topics',
    default: '7',
    description:
      'A new own topic is classified against the stored articles of this many days, so its feed is not empty until the next run.',
    schema: int(0, 365),
  }),
  PREVIEW_MAX_ARTICLES: spec({
    group: 'own-topics',
    default: '200',
    description:
      'A preview of an own topic (before it is saved) scores at most this many of the newest stored articles of the last BACKFILL_DAYS.',
    schema: int(1, 5_000),
  }),
  PREVIEW_TIMEOUT_MS: spec({
    group: 'own-topics',
    default: '15000',
    description:
      'How long a preview of an own topic may take, queueing included: the classifier stops scoring before it, the dashboard and the CLI wait no longer.',
    schema: int(1_000, 120_000),
  }),
  MODEL_ID: spec({
    group: 'classifier',
    default: 'Xenova/distilbart-mnli-12-1',
    description: 'Model on the Hugging Face hub (ONNX export), used when MODEL_DIR is unset.',
    schema: z.string().regex(/^[\w.-]+(\/[\w.-]+)?$/, { message: 'not a hub model id like owner/name' }),
  }),
  MODEL_DIR: spec({
    group: 'classifier',
    default: undefined,
    description:
      'A local model folder (config.json, tokenizer.json, onnx/model.onnx or onnx/model_quantized.onnx); wins over MODEL_ID.',
    schema: optionalText,
  }),
  MODEL_DTYPE: spec({
    group: 'classifier',
    default: 'fp32',
    description: 'fp32 (onnx/model.onnx, the reference) or q8 (onnx/model_quantized.onnx, int8, faster).',
    schema: z.enum(['fp32', 'q8'], { message: 'must be fp32 or q8' }),
  }),
  MODEL_CACHE_DIR: spec({
    group: 'classifier',
    default: undefined,
    description: 'Where hub models are cached (default DATA_DIR/models).',
    schema: optionalText,
  }),
  ALLOW_REMOTE_MODELS: spec({
    group: 'classifier',
    default: 'true',
    description: 'May the classifier download MODEL_ID from the hub when it is not cached.',
    schema: bool,
  }),
  HF_ENDPOINT: spec({
    group: 'classifier',
    default: 'https://huggingface.co',
    description:
      'The Hugging Face hub, or a mirror with its layout ({endpoint}/{model}/resolve/{revision}/{file}), that models are downloaded from.',
    schema: httpUrl.transform((s) => s.replace(/\/+$/, '')),
  }),
  CLASSIFIER_CONCURRENCY: spec({
    group: 'classifier',
    default: '1',
    description: 'Jobs one classifier process works on at once (the work is CPU-bound: keep 1, add processes).',
    schema: int(1, 64),
  }),
  CLASSIFIER_THREADS: spec({
    group: 'classifier',
    default: String(os.availableParallelism()),
    defaultShown: "this machine's cores",
    description: 'ONNX Runtime intra-op threads per classifier process.',
    schema: int(1, 256),
  }),
  CLASSIFIER_PROCESSES: spec({
    group: 'classifier',
    default: '1',
    description: 'Classifier processes that `tidings start` runs.',
    schema: int(1, 64),
  }),
  CLASSIFIER_LOCK_MS: spec({
    group: 'classifier',
    default: '120000',
    description: 'BullMQ lock of a classify job; renewed while it runs, so it only has to outlive a stall.',
    schema: int(5_000, 3_600_000),
  }),
  WINDOW_HOURS: spec({
    group: 'schedule',
    default: '24',
    description: 'The digest shows articles published this many hours before the newest one.',
    schema: positive,
  }),
  RETENTION_DAYS: spec({
    group: 'schedule',
    default: '30',
    description: 'Articles and runs older than this are pruned from the store.',
    schema: int(1, 3650),
  }),
  RUN_TIMEOUT_MINUTES: spec({
    group: 'schedule',
    default: '60',
    description: 'A run still waiting for its articles after this long is finalised by the watchdog.',
    schema: positive,
  }),
  LOW_CONFIDENCE_SCORE: spec({
    group: 'topics',
    default: '0.5',
    description: 'An article whose top score is below this is marked as one the model hesitated on.',
    schema: z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { message: 'not a number from 0 to 1' })
      .transform(Number),
  }),
  DASHBOARD_HOST: spec({
    group: 'dashboard',
    default: '127.0.0.1',
    description: 'Address the dashboard listens on; anything but loopback requires DASHBOARD_TOKEN.',
    schema: z.string().min(1, { message: 'must not be empty' }),
  }),
  DASHBOARD_PORT: spec({ group: 'dashboard', default: '3000', description: 'Dashboard port.', schema: int(0, 65535) }),
  DASHBOARD_TOKEN: spec({
    group: 'dashboard',
    default: undefined,
    description: 'Token for the dashboard (Bearer header or login form); required off loopback.',
    secret: true,
    schema: optionalText.pipe(z.string().min(16, { message: 'must be at least 16 characters' }).optional()),
  }),
  DASHBOARD_PUBLIC_URL: spec({
    group: 'dashboard',
    default: undefined,
    description:
      'The address people use to reach the dashboard (e.g. https://news.example.com behind a TLS proxy): its host is accepted in Host and Origin, and links in pages, feeds and digests use it.',
    schema: optionalText.pipe(httpUrl.optional()),
  }),
  SMTP_URL: spec({
    group: 'delivery',
    default: undefined,
    description: 'Mail server for email digests (smtp:// or smtps://, with user:password@ when it needs them).',
    secret: true,
    schema: optionalText.pipe(smtpUrl.optional()),
  }),
  NOTIFY_EMAIL_FROM: spec({
    group: 'delivery',
    default: 'tidings <tidings@localhost>',
    description: 'From address of email digests.',
    schema: z.string().min(3, { message: 'must be an address' }),
  }),
  NOTIFY_WEBHOOK_URLS: spec({
    group: 'delivery',
    default: undefined,
    description: "Comma-separated URLs that get every run's digest as signed JSON (the operator's webhooks).",
    secret: true,
    schema: optionalText.pipe(list.pipe(z.array(httpUrl)).optional()),
  }),
  NOTIFY_WEBHOOK_SECRET: spec({
    group: 'delivery',
    default: undefined,
    description:
      "Signs the operator's webhook deliveries (Standard Webhooks): whsec_ + base64 of the key; several, separated by spaces or commas, sign with each (rotation).",
    secret: true,
    schema: optionalText.pipe(webhookSecrets.optional()),
  }),
  WEBSUB_HUB_URLS: spec({
    group: 'delivery',
    default: undefined,
    description:
      'Comma-separated WebSub hubs: every topic feed names them, and each gets a publish ping when a run adds articles to a feed.',
    schema: optionalText.pipe(list.pipe(z.array(httpUrl)).optional()),
  }),
  NOTIFY_SLACK_WEBHOOK_URL: spec({
    group: 'delivery',
    default: undefined,
    description: 'A Slack incoming-webhook URL that gets each digest as a Block Kit message.',
    secret: true,
    schema: optionalText.pipe(httpUrl.optional()),
  }),
  NOTIFY_ATTEMPTS: spec({
    group: 'delivery',
    default: '6',
    description: 'Tries per digest delivery before it is marked failed.',
    schema: int(1, 20),
  }),
  NOTIFY_RETRY_DELAY_MS: spec({
    group: 'delivery',
    default: '5000',
    description: 'First wait before retrying a failed delivery; doubles each try.',
    schema: int(100, 3_600_000),
  }),
  NOTIFY_TOPICS: spec({
    group: 'delivery',
    default: undefined,
    description: "Labels the operator's webhooks and Slack get (default: every topic).",
    schema: optionalText.pipe(list.optional()),
  }),
  DASHBOARD_MAX_SSE_CLIENTS: spec({
    group: 'dashboard',
    default: '100',
    description: 'Open live-update streams (/events) the dashboard serves at once; one more gets 503.',
    schema: int(1, 10_000),
  }),
  TRUST_PROXY: spec({
    group: 'dashboard',
    default: 'false',
    description:
      "Take the client's address from X-Forwarded-For (set by exactly one reverse proxy in front); only then do per-client rate limits see real clients.",
    schema: bool,
  }),
  HEALTH_PORT: spec({
    group: 'operations',
    default: undefined,
    description:
      'A service that works queues (every one but the dashboard: packages/shared/src/services.ts) answers GET /healthz (its workers run) and /readyz (and Redis answers) on this port, on every interface; unset: none. For container and Kubernetes probes, one service a container; leave it unset for `tidings start`, whose services share one host.',
    schema: optionalText.pipe(int(1, 65535).optional()),
  }),
  LOG_LEVEL: spec({
    group: 'operations',
    default: 'info',
    description: 'pino log level.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
  }),
};

export type ConfigVarName = keyof typeof CONFIG_VARS;
export type ConfigValues = { [K in ConfigVarName]: z.output<(typeof CONFIG_VARS)[K]['schema']> };
