/**
 * A label's slug in feed URLs: lowercase, every run of other characters one "-", trimmed
 * ("Oil or Gas" → "oil-or-gas"). Labels whose slugs collide, or equal "all", are refused when
 * the configuration is read, so a slug always names exactly one topic.
 */
export function topicSlug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The slug that stands for every topic at once. */
export const ALL_TOPICS_SLUG = 'all';
