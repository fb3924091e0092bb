import { outletName, type TopicGroup } from '@tidings/shared';

/** A plain-text digest for terminals: topic, count, then each article's time, score and title, and a story's other outlets. */
export function formatTopicGroups(groups: TopicGroup[]): string {
  if (groups.length === 0) return 'No articles in the digest yet.\n';
  const lines: string[] = [];
  for (const group of groups) {
    lines.push(`${group.label} (${group.count})`);
    for (const a of group.articles) {
      lines.push(`  ${a.published.slice(0, 16).replace('T', ' ')}  ${a.score.toFixed(2)}  ${a.title}`);
      const others = (a.sources ?? []).slice(1).map(outletName);
      if (others.length > 0) lines.push(`                          also reported by ${others.join(', ')}`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
