import type { TopicGroup } from '@tidings/shared';
import { countArticles, digestSubject, safeLink } from './select-digest.js';

/** Slack's own limits (Block Kit): blocks per message, characters per section and header. */
const MAX_BLOCKS = 50;
const MAX_SECTION_CHARS = 3000;
const MAX_HEADER_CHARS = 150;

/**
 * Text for Slack mrkdwn: &, < and > escaped, so a title cannot smuggle in `<!channel>`, a
 * mention or a `<url|text>` link of its own.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link's URL inside `<url|text>`: its own | and > would end the link early. */
function linkTarget(url: string): string {
  return url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
}

type Block = Record<string, unknown>;

function topicSection(group: TopicGroup): Block {
  const heading = `*${escapeMrkdwn(group.label)}* (${group.count})`;
  let text = heading;
  let shown = 0;
  for (const a of group.articles) {
    const href = safeLink(a.link);
    const title = escapeMrkdwn(a.title.replace(/\s+/g, ' '));
    const line = `\n• ${href ? `<${linkTarget(href)}|${title}>` : title}`;
    const rest = group.count - shown - 1;
    const tail = rest > 0 ? `\n…and ${rest} more` : '';
    if ((text + line + tail).length > MAX_SECTION_CHARS) break;
    text += line;
    shown++;
  }
  if (shown < group.count) text += `\n…and ${group.count - shown} more`;
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** A digest as a Slack incoming-webhook message: a header, a section per topic, a link to the dashboard. */
export function slackMessage(groups: TopicGroup[], dashboardUrl: string): { text: string; blocks: Block[] } {
  const subject = digestSubject(groups);
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: subject.slice(0, MAX_HEADER_CHARS) } }];
  const room = MAX_BLOCKS - 3;
  for (const group of groups.slice(0, room)) blocks.push(topicSection(group));
  if (groups.length > room) {
    const hidden = groups.slice(room);
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `…and ${countArticles(hidden)} more articles in ${hidden.length} more topics` },
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `<${linkTarget(dashboardUrl)}|Open tidings>` }],
  });
  return { text: subject, blocks };
}
