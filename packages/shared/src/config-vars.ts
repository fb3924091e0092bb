import os from 'node:os';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { maskFeedUrl } from './mask-url.js';
import { ALL_TOPICS_SLUG, topicSlug } from './topic-slug.js';
import { isStandardWebhookSecret, WEBHOOK_SECRET_PREFIX } from './webhook-secret.js';

/**
 * Every environment variable tidings reads, with its default and meaning. The README's
 * configuration table lists exactly these (a test keeps the two in step).
 */
export interface VarSpec<T> {
  default: string | undefined;
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
    default: undefined,
    description:
      'Redis server (or REDIS_SENTINELS or REDIS_CLUSTER_NODES instead). None set: `tidings start`/`demo` start a private redis-server with a password (DATA_DIR/redis-password), the CLI finds it through DATA_DIR/stack.json, and anything else uses REDIS_DEFAULT_URL.',
    secret: true,
    schema: optionalText.pipe(redisUrl.optional()),
  }),
  REDIS_DEFAULT_URL: spec({
    default: 'redis://127.0.0.1:6379',
    description:
      'The Redis a command or service uses when REDIS_URL is unset and no stack is recorded in DATA_DIR/stack.json.',
    secret: true,
    schema: redisUrl,
  }),
  REDIS_TLS_CA: spec({
    default: undefined,
    description:
      'A CA certificate file (PEM) to trust for a rediss:// REDIS_URL (or REDIS_TLS), e.g. a private CA; default the system CAs.',
    schema: optionalText,
  }),
  REDIS_SENTINELS: spec({
    default: undefined,
    description:
      'Comma-separated host:port of the Sentinels watching the Redis primary (instead of REDIS_URL); needs REDIS_SENTINEL_NAME.',
    schema: optionalText.pipe(hostPortList.optional()),
  }),
  REDIS_SENTINEL_NAME: spec({
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
    default: undefined,
    description: "The Sentinels' own password (`requirepass` in sentinel.conf), when they have one.",
    secret: true,
    schema: optionalText,
  }),
  REDIS_CLUSTER_NODES: spec({
    default: undefined,
    description:
      'Comma-separated host:port of some nodes of a Redis Cluster (instead of REDIS_URL); the rest are discovered.',
    schema: optionalText.pipe(hostPortList.optional()),
  }),
  REDIS_USERNAME: spec({
    default: undefined,
    description:
      'ACL user of the Redis data nodes with REDIS_SENTINELS or REDIS_CLUSTER_NODES (a REDIS_URL carries its own).',
    schema: optionalText,
  }),
  REDIS_PASSWORD: spec({
    default: undefined,
    description:
      'Password of the Redis data nodes with REDIS_SENTINELS or REDIS_CLUSTER_NODES (a REDIS_URL carries its own).',
    secret: true,
    schema: optionalText,
  }),
  REDIS_TLS: spec({
    default: 'false',
    description:
      'Speak TLS to the data nodes (and Sentinels) with REDIS_SENTINELS or REDIS_CLUSTER_NODES; REDIS_TLS_CA adds a private CA. A REDIS_URL says it with rediss://.',
    schema: bool,
  }),
  REDIS_ALLOW_EVICTION: spec({
    default: 'false',
    description:
      "Start even though Redis's maxmemory-policy is not noeviction. An evicting Redis silently drops jobs and run records: only for those who accept that.",
    schema: bool,
  }),
  REDIS_PORT: spec({
    default: '0',
    description: 'Port of the private redis-server that `tidings start` runs when REDIS_URL is unset (0: a free port).',
    schema: int(0, 65535),
  }),
  TIDINGS_PREFIX: spec({
    default: 'tidings',
    description: 'Prefix of every Redis key and queue, so several deployments can share one server.',
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { message: 'use 1-32 letters, digits, - or _' }),
  }),
  DATA_DIR: spec({
    default: './data',
    description:
      'Snapshots (runs/<id>.json, latest.json), the embedded Redis append-only file and password, the job-signing key, the model cache.',
    schema: z.string().min(1, { message: 'must not be empty' }),
  }),
  FEED_URLS: spec({
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
    default: 'false',
    description:
      'May feeds named in a request (API, queue) reach loopback, private, link-local or metadata addresses; FEED_URLS always may.',
    schema: bool,
  }),
  DIGEST_CRON: spec({
    default: '0 6 * * *',
    description: 'When the daily digest runs (cron pattern).',
    schema: cron,
  }),
  DIGEST_TZ: spec({ default: 'UTC', description: 'Time zone of DIGEST_CRON.', schema: timeZone }),
  FETCH_TIMEOUT_MS: spec({ default: '15000', description: 'Timeout of one feed request.', schema: int(100, 300_000) }),
  FETCH_MAX_BYTES: spec({
    default: String(5 * 1024 * 1024),
    description: 'Largest feed body read; a larger one fails that feed.',
    schema: int(1024, 100 * 1024 * 1024),
  }),
  FETCH_RETRIES: spec({
    default: '3',
    description: 'Retries of a feed request on network errors and 5xx (exponential backoff).',
    schema: int(0, 10),
  }),
  FEED_CONCURRENCY: spec({
    default: '8',
    description: 'Feeds one loader process reads at once; each feed is a job of its own.',
    schema: int(1, 256),
  }),
  FEED_HOST_CONCURRENCY: spec({
    default: '2',
    description: 'Feeds read from one host at once, across every loader (politeness).',
    schema: int(1, 64),
  }),
  FEED_HOST_DELAY_MS: spec({
    default: '250',
    description: 'Least time between the starts of two requests to one host, across every loader (politeness).',
    schema: int(0, 60_000),
  }),
  SUMMARY_MAX_CHARS: spec({
    default: '1000',
    description: 'Longest summary kept per article (cut at a word boundary, with an ellipsis).',
    schema: int(50, 100_000),
  }),
  SEEN_TTL_DAYS: spec({
    default: '30',
    description: 'How long an article counts as already seen, so a daily run classifies only new ones.',
    schema: int(1, 3650),
  }),
  STORY_SIMILARITY: spec({
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
    default: '24',
    description:
      'A copy of a story joins it when it arrives at least this many hours (at most twice as many) after the story.',
    schema: positive,
  }),
  LABELS: spec({ default: DEFAULT_LABELS, description: 'Comma-separated topic labels.', schema: labels }),
  HYPOTHESIS_TEMPLATE: spec({
    default: 'This example is {}.',
    description: 'NLI hypothesis; {} is replaced by each label.',
    schema: z.string().refine((s) => s.includes('{}'), { message: 'must contain {} where the label goes' }),
  }),
  MULTI_LABEL: spec({
    default: 'false',
    description: 'Score each label on its own (entailment vs contradiction) instead of a softmax across labels.',
    schema: bool,
  }),
  OWN_TOPIC_MAX_CHARS: spec({
    default: '80',
    description: 'Longest own topic a subscriber may write (characters, after spaces are collapsed).',
    schema: int(8, 200),
  }),
  OWN_TOPICS_PER_SUBSCRIBER: spec({
    default: '10',
    description: 'Own topics one subscription may carry.',
    schema: int(0, 100),
  }),
  OWN_TOPICS_MAX: spec({
    default: '200',
    description:
      'Distinct own topics (case and spaces normalised) the deployment classifies; a subscription adding one more is refused.',
    schema: int(0, 5_000),
  }),
  OWN_TOPICS_PER_CLIENT: spec({
    default: '20',
    description:
      'New own topics (ones no subscription had) one client of the dashboard may register a day; one more gets 429.',
    schema: int(0, 5_000),
  }),
  OWN_TOPIC_THRESHOLD: spec({
    default: '0.8',
    description:
      'An article matches an own topic when that topic alone scores at least this (entailment vs contradiction, 0 to 1).',
    schema: z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { message: 'not a number from 0 to 1' })
      .transform(Number),
  }),
  CLASSIFY_BATCH_SIZE: spec({
    default: '16',
    description: 'Most premise/hypothesis pairs in one padded forward pass (the labels, then own topics in batches).',
    schema: int(1, 256),
  }),
  BACKFILL_DAYS: spec({
    default: '7',
    description:
      'A new own topic is classified against the stored articles of this many days, so its feed is not empty until the next run.',
    schema: int(0, 365),
  }),
  MODEL_ID: spec({
    default: 'Xenova/distilbart-mnli-12-1',
    description: 'Model on the Hugging Face hub (ONNX export), used when MODEL_DIR is unset.',
    schema: z.string().regex(/^[\w.-]+(\/[\w.-]+)?$/, { message: 'not a hub model id like owner/name' }),
  }),
  MODEL_DIR: spec({
    default: undefined,
    description:
      'A local model folder (config.json, tokenizer.json, onnx/model.onnx or onnx/model_quantized.onnx); wins over MODEL_ID.',
    schema: optionalText,
  }),
  MODEL_DTYPE: spec({
    default: 'fp32',
    description: 'fp32 (onnx/model.onnx, the reference) or q8 (onnx/model_quantized.onnx, int8, faster).',
    schema: z.enum(['fp32', 'q8'], { message: 'must be fp32 or q8' }),
  }),
  MODEL_CACHE_DIR: spec({
    default: undefined,
    description: 'Where hub models are cached (default DATA_DIR/models).',
    schema: optionalText,
  }),
  ALLOW_REMOTE_MODELS: spec({
    default: 'true',
    description: 'May the classifier download MODEL_ID from the hub when it is not cached.',
    schema: bool,
  }),
  HF_ENDPOINT: spec({
    default: 'https://huggingface.co',
    description:
      'The Hugging Face hub, or a mirror with its layout ({endpoint}/{model}/resolve/{revision}/{file}), that models are downloaded from.',
    schema: httpUrl.transform((s) => s.replace(/\/+$/, '')),
  }),
  CLASSIFIER_CONCURRENCY: spec({
    default: '1',
    description: 'Jobs one classifier process works on at once (the work is CPU-bound: keep 1, add processes).',
    schema: int(1, 64),
  }),
  CLASSIFIER_THREADS: spec({
    default: String(os.availableParallelism()),
    description: "ONNX Runtime intra-op threads per classifier process (default: this machine's cores).",
    schema: int(1, 256),
  }),
  CLASSIFIER_PROCESSES: spec({
    default: '1',
    description: 'Classifier processes that `tidings start` runs.',
    schema: int(1, 64),
  }),
  CLASSIFIER_LOCK_MS: spec({
    default: '120000',
    description: 'BullMQ lock of a classify job; renewed while it runs, so it only has to outlive a stall.',
    schema: int(5_000, 3_600_000),
  }),
  WINDOW_HOURS: spec({
    default: '24',
    description: 'The digest shows articles published this many hours before the newest one.',
    schema: positive,
  }),
  RETENTION_DAYS: spec({
    default: '30',
    description: 'Articles and runs older than this are pruned from the store.',
    schema: int(1, 3650),
  }),
  RUN_TIMEOUT_MINUTES: spec({
    default: '60',
    description: 'A run still waiting for its articles after this long is finalised by the watchdog.',
    schema: positive,
  }),
  LOW_CONFIDENCE_SCORE: spec({
    default: '0.5',
    description: 'An article whose top score is below this is marked as one the model hesitated on.',
    schema: z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { message: 'not a number from 0 to 1' })
      .transform(Number),
  }),
  DASHBOARD_HOST: spec({
    default: '127.0.0.1',
    description: 'Address the dashboard listens on; anything but loopback requires DASHBOARD_TOKEN.',
    schema: z.string().min(1, { message: 'must not be empty' }),
  }),
  DASHBOARD_PORT: spec({ default: '3000', description: 'Dashboard port.', schema: int(0, 65535) }),
  DASHBOARD_TOKEN: spec({
    default: undefined,
    description: 'Token for the dashboard (Bearer header or login form); required off loopback.',
    secret: true,
    schema: optionalText.pipe(z.string().min(16, { message: 'must be at least 16 characters' }).optional()),
  }),
  DASHBOARD_PUBLIC_URL: spec({
    default: undefined,
    description:
      'The address people use to reach the dashboard (e.g. https://news.example.com behind a TLS proxy): its host is accepted in Host and Origin, and links in pages, feeds and digests use it.',
    schema: optionalText.pipe(httpUrl.optional()),
  }),
  SMTP_URL: spec({
    default: undefined,
    description: 'Mail server for email digests (smtp:// or smtps://, with user:password@ when it needs them).',
    secret: true,
    schema: optionalText.pipe(smtpUrl.optional()),
  }),
  NOTIFY_EMAIL_FROM: spec({
    default: 'tidings <tidings@localhost>',
    description: 'From address of email digests.',
    schema: z.string().min(3, { message: 'must be an address' }),
  }),
  NOTIFY_WEBHOOK_URLS: spec({
    default: undefined,
    description: "Comma-separated URLs that get every run's digest as signed JSON (the operator's webhooks).",
    secret: true,
    schema: optionalText.pipe(list.pipe(z.array(httpUrl)).optional()),
  }),
  NOTIFY_WEBHOOK_SECRET: spec({
    default: undefined,
    description:
      "Signs the operator's webhook deliveries (Standard Webhooks): whsec_ + base64 of the key; several, separated by spaces or commas, sign with each (rotation).",
    secret: true,
    schema: optionalText.pipe(webhookSecrets.optional()),
  }),
  WEBSUB_HUB_URLS: spec({
    default: undefined,
    description:
      'Comma-separated WebSub hubs: every topic feed names them, and each gets a publish ping when a run adds articles to a feed.',
    schema: optionalText.pipe(list.pipe(z.array(httpUrl)).optional()),
  }),
  NOTIFY_SLACK_WEBHOOK_URL: spec({
    default: undefined,
    description: 'A Slack incoming-webhook URL that gets each digest as a Block Kit message.',
    secret: true,
    schema: optionalText.pipe(httpUrl.optional()),
  }),
  NOTIFY_ATTEMPTS: spec({
    default: '6',
    description: 'Tries per digest delivery before it is marked failed.',
    schema: int(1, 20),
  }),
  NOTIFY_RETRY_DELAY_MS: spec({
    default: '5000',
    description: 'First wait before retrying a failed delivery; doubles each try.',
    schema: int(100, 3_600_000),
  }),
  NOTIFY_TOPICS: spec({
    default: undefined,
    description: "Labels the operator's webhooks and Slack get (default: every topic).",
    schema: optionalText.pipe(list.optional()),
  }),
  DASHBOARD_MAX_SSE_CLIENTS: spec({
    default: '100',
    description: 'Open live-update streams (/events) the dashboard serves at once; one more gets 503.',
    schema: int(1, 10_000),
  }),
  TRUST_PROXY: spec({
    default: 'false',
    description:
      "Take the client's address from X-Forwarded-For (set by exactly one reverse proxy in front); only then do per-client rate limits see real clients.",
    schema: bool,
  }),
  HEALTH_PORT: spec({
    default: undefined,
    description:
      'A worker service (loader, classifier, aggregator, notifier) answers GET /healthz (its workers run) and /readyz (and Redis answers) on this port, on every interface; unset: none. For container and Kubernetes probes, one service a container; leave it unset for `tidings start`, whose services share one host.',
    schema: optionalText.pipe(int(1, 65535).optional()),
  }),
  LOG_LEVEL: spec({
    default: 'info',
    description: 'pino log level.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
  }),
};

export type ConfigVarName = keyof typeof CONFIG_VARS;
export type ConfigValues = { [K in ConfigVarName]: z.output<(typeof CONFIG_VARS)[K]['schema']> };
