/**
 * Why an article is under its topic, in one short line for feeds and digests: its score and
 * the label it beat (the runner-up), so a reader can tell a clear match from a coin toss.
 */
export function matchReason(a: { label: string; score: number; scores?: Record<string, number> | undefined }): string {
  const runnerUp = Object.entries(a.scores ?? {})
    .filter(([label]) => label !== a.label)
    .sort((x, y) => y[1] - x[1])[0];
  const own = `${a.label} ${a.score.toFixed(2)}`;
  return runnerUp ? `${own}, ahead of ${runnerUp[0]} ${runnerUp[1].toFixed(2)}` : own;
}

/** Why an own topic matched: its score against the threshold it had to reach. */
export function ownMatchReason(m: { topic: string; score: number }, threshold: number): string {
  return `“${m.topic}” ${m.score.toFixed(2)}, threshold ${threshold.toFixed(2)}`;
}
