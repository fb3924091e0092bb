import {
  type FeedbackExample,
  type FeedbackSource,
  feedbackExampleId,
  type LabelVerdict,
  OWN_TOPIC_ID_PATTERN,
  type OwnVerdict,
  ownTopicId,
  type Subscription,
  type TopicArticle,
} from '@tidings/shared';
import type { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import { type ApiResult, type ErrorBody, refuse } from './result.js';

/** A verdict as a reader gives it: on a shared label, or on one of their own topics (by its id). */
export interface Vote {
  articleId: string;
  topic: string;
  verdict: LabelVerdict | OwnVerdict;
}

/** Who votes: their opaque reader id, where from, and the subscription when they voted by feed key. */
export interface Voter {
  reader: string;
  source: FeedbackSource;
  subscription?: Pick<Subscription, 'id' | 'ownTopics'>;
}

export interface FeedbackDeps {
  store: Pick<TopicStoreReader, 'articlesById'>;
  ownTopicMatches: Pick<OwnTopicMatches, 'scores'>;
  feedback: { record(example: FeedbackExample): Promise<unknown> };
  labels: string[];
  now?: () => Date;
}

/** What a recorded vote answers: the example's id, so a client can tell one vote replaced another. */
export interface Recorded {
  id: string;
  articleId: string;
  topic: string;
  kind: FeedbackExample['kind'];
}

const isOwnVerdict = (v: LabelVerdict | OwnVerdict): v is OwnVerdict => 'relevant' in v;

/**
 * The labelled example a vote makes, or why it cannot be one: an article the store no longer
 * (or never) held is 404, a topic that is neither a configured label nor one of the voter's
 * own topics is 400 with the choices named. The example keeps the article's text and raw
 * scores, so calibration can be fitted and the vote outlive the article.
 */
export function exampleOfVote(
  vote: Vote,
  voter: Voter,
  article: TopicArticle | undefined,
  ownScore: number | undefined,
  labels: string[],
  at: Date,
): ApiResult<ErrorBody> | FeedbackExample {
  if (!article)
    return refuse(
      404,
      'TIDINGS_FEEDBACK_UNKNOWN_ARTICLE',
      `no stored article '${vote.articleId}': it is not one tidings classified, or it is past RETENTION_DAYS`,
    );
  const text = { title: article.title.slice(0, 2000), summary: article.summary.slice(0, 20_000) };
  // The model's own scores: calibration is fitted on them, never on scores an earlier fit made.
  const scores = Object.fromEntries(
    Object.entries(article.rawScores ?? article.scores ?? { [article.label]: article.score }).map(([l, s]) => [
      l,
      clamp01(s),
    ]),
  );
  const base = {
    articleId: article.id,
    ...text,
    scores,
    source: voter.source,
    reader: voter.reader,
    at: at.toISOString(),
  };
  if (isOwnVerdict(vote.verdict)) {
    const own = voter.subscription?.ownTopics.find((words) => ownTopicId(words) === vote.topic);
    if (!voter.subscription || own === undefined)
      return refuse(
        400,
        'TIDINGS_FEEDBACK_UNKNOWN_TOPIC',
        voter.subscription
          ? `topic '${vote.topic}' is not one of this subscription's own topics; its own topic ids are: ${voter.subscription.ownTopics.map(ownTopicId).join(', ') || '(none)'}`
          : `topic '${vote.topic}': relevant/not relevant is for an own topic, voted by its subscriber (their page or a feed link)`,
      );
    if (ownScore === undefined)
      return refuse(
        404,
        'TIDINGS_FEEDBACK_UNKNOWN_ARTICLE',
        `article '${vote.articleId}' was never scored for own topic '${vote.topic}'`,
      );
    return {
      ...base,
      id: feedbackExampleId(voter.reader, article.id, 'own', vote.topic),
      kind: 'own',
      topic: vote.topic,
      ownScore: clamp01(ownScore),
      subscriptionId: voter.subscription.id,
      verdict: vote.verdict,
    };
  }
  const unknown = [vote.topic, ...(vote.verdict.type === 'belongs-in' ? [vote.verdict.label] : [])].find(
    (l) => !labels.includes(l),
  );
  if (unknown !== undefined)
    return refuse(
      400,
      'TIDINGS_FEEDBACK_UNKNOWN_TOPIC',
      `'${unknown}' is not a topic label; the labels are: ${labels.join(', ')}`,
    );
  return {
    ...base,
    id: feedbackExampleId(voter.reader, article.id, 'label', vote.topic),
    kind: 'label',
    topic: vote.topic,
    label: article.label,
    verdict: vote.verdict,
  };
}

/** Records one vote (one Redis write in the store): 201 with the example's id, or the refusal. */
export async function recordVote(vote: Vote, voter: Voter, deps: FeedbackDeps): Promise<ApiResult> {
  const [article] = await deps.store.articlesById([vote.articleId]);
  // The score stored with the article when it was classified, else the one its backfill gave.
  const ownScore =
    isOwnVerdict(vote.verdict) && OWN_TOPIC_ID_PATTERN.test(vote.topic)
      ? (article?.ownScores?.[vote.topic] ?? (await deps.ownTopicMatches.scores(vote.topic, [vote.articleId]))[0])
      : undefined;
  const example = exampleOfVote(vote, voter, article, ownScore, deps.labels, deps.now?.() ?? new Date());
  if ('status' in example) return example;
  await deps.feedback.record(example);
  const body: Recorded = { id: example.id, articleId: vote.articleId, topic: vote.topic, kind: example.kind };
  return { status: 201, body };
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}

/**
 * A verdict as one form field or link parameter: `not-about`, `belongs-in:<label>`,
 * `relevant`, `not-relevant`. Forms and links carry strings; the API takes the objects.
 */
export function parseVerdictField(field: string): LabelVerdict | OwnVerdict | undefined {
  if (field === 'not-about') return { type: 'not-about' };
  if (field === 'relevant') return { relevant: true };
  if (field === 'not-relevant') return { relevant: false };
  const label = /^belongs-in:(.{1,200})$/.exec(field)?.[1];
  return label === undefined ? undefined : { type: 'belongs-in', label };
}

export function verdictField(verdict: LabelVerdict | OwnVerdict): string {
  if (isOwnVerdict(verdict)) return verdict.relevant ? 'relevant' : 'not-relevant';
  return verdict.type === 'not-about' ? 'not-about' : `belongs-in:${verdict.label}`;
}

/** The verdict in words, for a confirm page and its answer; `topicName` is the label or the own topic's words. */
export function verdictWords(verdict: LabelVerdict | OwnVerdict, topicName: string): string {
  if (isOwnVerdict(verdict)) return verdict.relevant ? `relevant to “${topicName}”` : `not relevant to “${topicName}”`;
  return verdict.type === 'not-about' ? `not about ${topicName}` : `belongs in ${verdict.label}`;
}
