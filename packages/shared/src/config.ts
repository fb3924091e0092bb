import path from 'node:path';
import { CONFIG_VARS, type ConfigValues, type ConfigVarName } from './config-vars.js';
import { ConfigError } from './errors/config-error.js';
import { redactUrl } from './mask-url.js';
import { type RedisConfig, redisConfig } from './redis-config.js';

export interface Config {
  redis: RedisConfig;
  prefix: string;
  dataDir: string;
  feeds: {
    urls: string[];
    timeoutMs: number;
    maxBytes: number;
    retries: number;
    summaryMaxChars: number;
    /** May feeds not named in FEED_URLS reach private addresses (FEED_ALLOW_PRIVATE). */
    allowPrivate: boolean;
    /** Feeds one loader reads at once (FEED_CONCURRENCY). */
    concurrency: number;
    /** Feeds read from one host at once, across loaders (FEED_HOST_CONCURRENCY). */
    hostConcurrency: number;
    /** Least ms between requests to one host (FEED_HOST_DELAY_MS). */
    hostDelayMs: number;
  };
  schedule: {
    cron: string;
    tz: string;
    /** CATCH_UP_MAX_AGE: a missed scheduled run due longer ago is reported, not run. */
    catchUpMaxAgeMs: number;
    /** FRESHNESS_GRACE: how long after its due time a scheduled run may take to finish. */
    freshnessGraceMs: number;
  };
  seenTtlDays: number;
  /** Near-duplicates merged into one story before classification (STORY_SIMILARITY, STORY_WINDOW_HOURS). */
  stories: { similarity: number; windowHours: number };
  /** What every classifier asks of the model: the same labels and hypothesis everywhere. */
  zeroShot: { labels: string[]; hypothesisTemplate: string; multiLabel: boolean };
  /** Readers' verdicts: how many are kept, and how a calibration is fitted and judged from them. */
  feedback: {
    perReader: number;
    max: number;
    folds: number;
    minVotes: number;
    /** Largest share of a shared label's weight one reader may carry (CALIBRATION_READER_SHARE). */
    readerShare: number;
    afterRun: boolean;
  };
  /** Topics subscribers write themselves: limits, the match threshold and the backfill window. */
  ownTopics: {
    maxChars: number;
    perSubscriber: number;
    /** Distinct own topics across every subscription (OWN_TOPICS_MAX). */
    ceiling: number;
    /** New own topics one dashboard client may register a day (OWN_TOPICS_PER_CLIENT). */
    perClientPerDay: number;
    threshold: number;
    backfillDays: number;
    /** A preview of a topic before it is saved: the newest articles it scores, and its whole time budget. */
    preview: { maxArticles: number; timeoutMs: number };
  };
  classifier: {
    modelId: string;
    modelDir: string | undefined;
    dtype: 'fp32' | 'q8';
    cacheDir: string;
    allowRemoteModels: boolean;
    /** HF_ENDPOINT without a trailing slash. */
    hubEndpoint: string;
    concurrency: number;
    threads: number;
    processes: number;
    lockMs: number;
    /** Most pairs in one padded forward pass (CLASSIFY_BATCH_SIZE). */
    batchSize: number;
  };
  aggregator: { windowHours: number; retentionDays: number; runTimeoutMinutes: number };
  dashboard: {
    host: string;
    port: number;
    token: string | undefined;
    /** Where people reach the dashboard, when that is not DASHBOARD_HOST (a reverse proxy). */
    publicUrl: string | undefined;
    maxSseClients: number;
    /** One reverse proxy in front sets X-Forwarded-For. */
    trustProxy: boolean;
    /** Articles whose top score is below this are marked as uncertain. */
    lowConfidenceScore: number;
  };
  notify: {
    smtpUrl: string | undefined;
    emailFrom: string;
    webhookUrls: string[];
    /** Every one signs each operator delivery, so a receiver may hold the new or the old during a rotation. */
    webhookSecrets: string[];
    slackWebhookUrl: string | undefined;
    /** Labels the operator's webhooks and Slack get; undefined means every topic. */
    topics: string[] | undefined;
    attempts: number;
    retryDelayMs: number;
  };
  /** WebSub hubs every topic feed names and pings (WEBSUB_HUB_URLS). */
  websub: { hubUrls: string[] };
  /** Where a worker service answers its probes; undefined: nowhere. */
  healthPort: number | undefined;
  logLevel: ConfigValues['LOG_LEVEL'];
}

function readValues(env: NodeJS.ProcessEnv): ConfigValues {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(CONFIG_VARS)) {
    const raw = env[name] ?? spec.default;
    if (raw === undefined) {
      values[name] = undefined;
      continue;
    }
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const shown = spec.secret ? '(value hidden)' : `'${spec.mask ? spec.mask(raw) : raw}'`;
      throw new ConfigError(name, `${parsed.error.issues[0]?.message ?? 'invalid'}: ${shown}`);
    }
    values[name] = parsed.data;
  }
  return values as ConfigValues;
}

/** Reads and validates the environment; throws ConfigError with one line naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const v = readValues(env);
  const dataDir = path.resolve(v.DATA_DIR);
  return {
    redis: redisConfig(v),
    prefix: v.TIDINGS_PREFIX,
    dataDir,
    feeds: {
      urls: v.FEED_URLS,
      timeoutMs: v.FETCH_TIMEOUT_MS,
      maxBytes: v.FETCH_MAX_BYTES,
      retries: v.FETCH_RETRIES,
      summaryMaxChars: v.SUMMARY_MAX_CHARS,
      allowPrivate: v.FEED_ALLOW_PRIVATE,
      concurrency: v.FEED_CONCURRENCY,
      hostConcurrency: v.FEED_HOST_CONCURRENCY,
      hostDelayMs: v.FEED_HOST_DELAY_MS,
    },
    schedule: {
      cron: v.DIGEST_CRON,
      tz: v.DIGEST_TZ,
      catchUpMaxAgeMs: v.CATCH_UP_MAX_AGE,
      freshnessGraceMs: v.FRESHNESS_GRACE,
    },
    seenTtlDays: v.SEEN_TTL_DAYS,
    stories: { similarity: v.STORY_SIMILARITY, windowHours: v.STORY_WINDOW_HOURS },
    zeroShot: { labels: v.LABELS, hypothesisTemplate: v.HYPOTHESIS_TEMPLATE, multiLabel: v.MULTI_LABEL },
    feedback: {
      perReader: v.FEEDBACK_PER_READER,
      max: v.FEEDBACK_MAX,
      folds: v.CALIBRATION_FOLDS,
      minVotes: v.CALIBRATION_MIN_VOTES,
      readerShare: v.CALIBRATION_READER_SHARE,
      afterRun: v.CALIBRATE_AFTER_RUN,
    },
    ownTopics: {
      maxChars: v.OWN_TOPIC_MAX_CHARS,
      perSubscriber: v.OWN_TOPICS_PER_SUBSCRIBER,
      ceiling: v.OWN_TOPICS_MAX,
      perClientPerDay: v.OWN_TOPICS_PER_CLIENT,
      threshold: v.OWN_TOPIC_THRESHOLD,
      backfillDays: v.BACKFILL_DAYS,
      preview: { maxArticles: v.PREVIEW_MAX_ARTICLES, timeoutMs: v.PREVIEW_TIMEOUT_MS },
    },
    classifier: {
      modelId: v.MODEL_ID,
      modelDir: v.MODEL_DIR === undefined ? undefined : path.resolve(v.MODEL_DIR),
      dtype: v.MODEL_DTYPE,
      cacheDir: path.resolve(v.MODEL_CACHE_DIR ?? path.join(dataDir, 'models')),
      allowRemoteModels: v.ALLOW_REMOTE_MODELS,
      hubEndpoint: v.HF_ENDPOINT,
      concurrency: v.CLASSIFIER_CONCURRENCY,
      threads: v.CLASSIFIER_THREADS,
      processes: v.CLASSIFIER_PROCESSES,
      lockMs: v.CLASSIFIER_LOCK_MS,
      batchSize: v.CLASSIFY_BATCH_SIZE,
    },
    aggregator: {
      windowHours: v.WINDOW_HOURS,
      retentionDays: v.RETENTION_DAYS,
      runTimeoutMinutes: v.RUN_TIMEOUT_MINUTES,
    },
    dashboard: {
      host: v.DASHBOARD_HOST,
      port: v.DASHBOARD_PORT,
      token: v.DASHBOARD_TOKEN,
      publicUrl: v.DASHBOARD_PUBLIC_URL,
      maxSseClients: v.DASHBOARD_MAX_SSE_CLIENTS,
      trustProxy: v.TRUST_PROXY,
      lowConfidenceScore: v.LOW_CONFIDENCE_SCORE,
    },
    notify: {
      smtpUrl: v.SMTP_URL,
      emailFrom: v.NOTIFY_EMAIL_FROM,
      webhookUrls: v.NOTIFY_WEBHOOK_URLS ?? [],
      webhookSecrets: v.NOTIFY_WEBHOOK_SECRET ?? [],
      slackWebhookUrl: v.NOTIFY_SLACK_WEBHOOK_URL,
      topics: v.NOTIFY_TOPICS,
      attempts: v.NOTIFY_ATTEMPTS,
      retryDelayMs: v.NOTIFY_RETRY_DELAY_MS,
    },
    websub: { hubUrls: v.WEBSUB_HUB_URLS ?? [] },
    healthPort: v.HEALTH_PORT,
    logLevel: v.LOG_LEVEL,
  };
}

/** The effective settings by variable name, secrets masked: what `tidings config` prints. */
export function describeConfig(env: NodeJS.ProcessEnv = process.env): Record<ConfigVarName, string | null> {
  const values = readValues(env);
  // The same settings a service would refuse are refused here, not shown as if they worked.
  redisConfig(values);
  const out = {} as Record<ConfigVarName, string | null>;
  for (const [name, spec] of Object.entries(CONFIG_VARS) as [ConfigVarName, (typeof CONFIG_VARS)[ConfigVarName]][]) {
    const value = values[name];
    if (value === undefined) out[name] = null;
    else if (spec.secret) out[name] = maskSecret(name, String(value));
    else {
      const shown = Array.isArray(value) ? value.join(',') : String(value);
      out[name] = 'mask' in spec && spec.mask ? spec.mask(shown) : shown;
    }
  }
  return out;
}

function maskSecret(name: string, value: string): string {
  if (name === 'REDIS_URL' || name === 'REDIS_DEFAULT_URL' || name === 'SMTP_URL') return redactUrl(value);
  return '********';
}

/** The dashboard's address for links in feeds and digests: DASHBOARD_PUBLIC_URL, else where it listens. */
export function dashboardBaseUrl(config: Pick<Config, 'dashboard'>): string {
  if (config.dashboard.publicUrl) return new URL(config.dashboard.publicUrl).toString();
  const { host, port } = config.dashboard;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/`;
}
