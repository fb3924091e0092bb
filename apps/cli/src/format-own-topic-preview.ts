import type { OwnTopicPreview } from '@tidings/shared';

// Controls (an escape sequence in a feed's title would steer the terminal) and line breaks.
const CONTROLS = /[\p{Cc}\u2028\u2029]/gu;
const plain = (text: string) => text.replace(CONTROLS, ' ');

/** A preview for terminals: the count, then each best match's score, date, title and link. */
export function formatOwnTopicPreview(preview: OwnTopicPreview): string {
  const lines = [
    `“${plain(preview.words)}” matches ${preview.matched} of the ${preview.scored} newest articles of the last ${preview.days} days (score at least ${preview.threshold})`,
  ];
  if (preview.scored < preview.considered)
    lines.push(`  time ran out after ${preview.scored} of ${preview.considered} articles (PREVIEW_TIMEOUT_MS)`);
  for (const m of preview.top)
    lines.push(`  ${m.score.toFixed(2)}  ${m.published.slice(0, 10)}  ${plain(m.title)}  ${plain(m.link)}`);
  return `${lines.join('\n')}\n`;
}
