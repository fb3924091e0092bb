import {
  type Article,
  ArticleSchema,
  type ClassifyResult,
  ClassifyResultSchema,
  type Digest,
  DigestSchema,
  type FeedReport,
  FeedReportSchema,
  type NewSubscriptionInput,
  NewSubscriptionSchema,
  type Problem,
  ProblemSchema,
  type Run,
  type RunManifest,
  RunManifestSchema,
  RunSchema,
  type TopicArticle,
  TopicArticleSchema,
  type TopicGroup,
  type WorkerHeartbeat,
  WorkerHeartbeatSchema,
} from '@tidings/shared';

/**
 * The one set of fixture builders: each returns an object its shared zod schema accepts, with
 * plain defaults any field of which a test overrides. The object is parsed through the schema
 * (a builder throws rather than hand a test something the schema refuses) and returned as
 * given, so what the schema accepts but cleans (a javascript: link) stays for the tests of
 * what must never show it. A test that needs what the schema refuses (a hostile job) spreads
 * its bad field over a built object, so the intent is visible where it is written.
 */
function accepted<T>(schema: { parse(value: unknown): unknown }, value: T): T {
  schema.parse(value);
  return value;
}

/** The instant fixtures happen at unless told otherwise: a fixed day, so tests read the same every time. */
export const FIXTURE_TIME = '2026-11-24T10:00:00.000Z';

let nextId = 0;
/** A fresh id of the article/run id pattern, for fixtures whose id the test does not care about. */
export function fixtureId(stem = 'a'): string {
  nextId += 1;
  return `${stem}${nextId}`;
}

export function buildArticle(fields: Partial<Article> = {}): Article {
  const id = fields.id ?? fixtureId('a');
  const published = fields.published ?? FIXTURE_TIME;
  return accepted(ArticleSchema, {
    id,
    feed: 'https://news.example/rss',
    title: `Story ${id}`,
    summary: '',
    link: `https://news.example/${id}`,
    published,
    publishedEstimated: false,
    fetchedAt: published,
    ...fields,
  });
}

/** A classified article as the topic store keeps it; `scores` follow the label and score unless given. */
export function buildTopicArticle(fields: Partial<TopicArticle> = {}): TopicArticle {
  const label = fields.label ?? 'Crypto';
  const score = fields.score ?? 0.8;
  return accepted(TopicArticleSchema, {
    ...buildArticle(fields),
    label,
    score,
    scores: { [label]: score },
    runId: 'run-1',
    ...fields,
  });
}

/** Topic groups in the order their labels first appear, each group's articles in the order given. */
export function groupArticles(articles: TopicArticle[]): TopicGroup[] {
  const labels = [...new Set(articles.map((a) => a.label))];
  return labels.map((label) => {
    const group = articles.filter((a) => a.label === label);
    return { label, count: group.length, articles: group };
  });
}

export interface RunFixture extends Partial<Run> {
  /** The run's classified articles: grouped into `topics` and counted, unless those are given. */
  articles?: TopicArticle[];
}

/**
 * A finished run's record. Counts follow the articles and failures (every article new,
 * fetched and classified or failed); finishedAt is startedAt plus durationMs.
 */
export function buildRun({ articles = [], ...fields }: RunFixture = {}): Run {
  const startedAt = fields.startedAt ?? '2026-11-24T06:00:00.000Z';
  const durationMs = fields.durationMs ?? 0;
  const failures = fields.failures ?? [];
  const total = articles.length + failures.length;
  return accepted(RunSchema, {
    id: 'run-1',
    trigger: 'manual',
    feeds: [],
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + durationMs).toISOString(),
    durationMs,
    counts: { fetched: total, new: total, classified: articles.length, failed: failures.length },
    failures,
    finalisedBy: 'aggregator',
    topics: groupArticles(articles),
    ...fields,
  });
}

export function buildRunManifest(fields: Partial<RunManifest> = {}): RunManifest {
  return accepted(RunManifestSchema, {
    runId: 'run-1',
    trigger: 'manual',
    startedAt: '2026-11-24T06:00:00.000Z',
    feeds: [],
    ...fields,
  });
}

export function buildFeedReport(fields: Partial<FeedReport> = {}): FeedReport {
  return accepted(FeedReportSchema, {
    url: 'https://news.example/rss',
    status: 'ok',
    fetched: 0,
    kept: 0,
    dropped: {},
    ...fields,
  });
}

export function buildClassifyResult(fields: Partial<ClassifyResult> = {}): ClassifyResult {
  const label = fields.label ?? 'Crypto';
  const score = fields.score ?? 0.8;
  return accepted(ClassifyResultSchema, {
    articleId: 'a1',
    label,
    score,
    scores: { [label]: score },
    model: 'tiny-nli',
    dtype: 'fp32',
    ms: 1,
    ...fields,
  });
}

export function buildDigest(fields: Partial<Digest> = {}): Digest {
  return accepted(DigestSchema, {
    generatedAt: FIXTURE_TIME,
    windowHours: 24,
    from: null,
    to: null,
    runId: null,
    topics: [],
    ...fields,
  });
}

/** What a person subscribes with (the store adds the id, feed key and times). */
export function buildSubscriber(fields: Partial<NewSubscriptionInput> = {}): NewSubscriptionInput {
  return accepted(NewSubscriptionSchema, { name: 'Ann', topics: ['Crypto'], ...fields });
}

export function buildHeartbeat(fields: Partial<WorkerHeartbeat> = {}): WorkerHeartbeat {
  return accepted(WorkerHeartbeatSchema, {
    id: fixtureId('worker-'),
    pid: 4242,
    host: 'host-a',
    model: 'tiny-nli',
    dtype: 'fp32',
    jobsDone: 0,
    startedAt: FIXTURE_TIME,
    beatAt: FIXTURE_TIME,
    ...fields,
  });
}

export function buildProblem(fields: Partial<Problem> = {}): Problem {
  return accepted(ProblemSchema, {
    kind: 'feed-failing',
    message: 'https://news.example/rss: timed out',
    where: 'https://news.example/rss',
    since: FIXTURE_TIME,
    ...fields,
  });
}
