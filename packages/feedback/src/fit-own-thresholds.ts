import type { OwnThreshold } from '@tidings/shared';

/** A verdict on an own topic as the fit reads it. */
export interface OwnVote {
  topic: string;
  subscriptionId?: string;
  score: number;
  relevant: boolean;
}

/**
 * How many verdicts a learned threshold counts as already having at the prior: with n votes
 * the threshold moves n / (n + 10) of the way from the prior to what the votes say, so three
 * votes move it less than a quarter and a hundred most of the way.
 */
const OWN_PRIOR_VOTES = 10;

const round = (x: number) => Math.round(x * 1e4) / 1e4;

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/**
 * The threshold the votes alone favour: the one that decides most of them right, among the
 * prior and the midpoints between neighbouring scores; on a tie the one nearest the prior.
 */
function bestThreshold(votes: OwnVote[], prior: number): number {
  const scores = [...new Set(votes.map((v) => v.score))].sort((a, b) => a - b);
  const candidates = [prior, ...scores.slice(1).map((s, i) => ((scores[i] ?? s) + s) / 2), (scores[0] ?? 0) - 1e-6];
  let best = prior;
  let bestRight = -1;
  for (const t of candidates) {
    const right = votes.filter((v) => v.score >= t === v.relevant).length;
    if (right > bestRight || (right === bestRight && Math.abs(t - prior) < Math.abs(best - prior))) {
      best = t;
      bestRight = right;
    }
  }
  return Math.min(1, Math.max(0, best));
}

/** Moves the prior toward what the votes favour, by how many there are. */
function shrunkThreshold(votes: OwnVote[], prior: number): number {
  const n = votes.length;
  return round((n * bestThreshold(votes, prior) + OWN_PRIOR_VOTES * prior) / (n + OWN_PRIOR_VOTES));
}

/**
 * A threshold per own topic, shrunk toward OWN_TOPIC_THRESHOLD while its votes are few, and
 * per subscription that voted, shrunk toward the topic's.
 */
export function fitOwnThresholds(votes: OwnVote[], prior: number): Record<string, OwnThreshold> {
  const byTopic = groupBy(votes, (v) => v.topic);
  const out: Record<string, OwnThreshold> = {};
  for (const [topic, topicVotes] of byTopic) {
    const threshold = shrunkThreshold(topicVotes, prior);
    const perSubscriber: Record<string, number> = {};
    const bySubscriber = groupBy(
      topicVotes.filter((v) => v.subscriptionId !== undefined),
      (v) => v.subscriptionId ?? '',
    );
    // One subscription's votes are the topic's votes: a threshold of its own would repeat the topic's.
    if (bySubscriber.size > 1) {
      for (const [id, mine] of bySubscriber) perSubscriber[id] = shrunkThreshold(mine, threshold);
    }
    out[topic] = {
      threshold,
      ...(Object.keys(perSubscriber).length > 0 ? { perSubscriber } : {}),
      votes: topicVotes.length,
    };
  }
  return out;
}
