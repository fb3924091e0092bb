export { FeedList, type ListedFeed } from './feed-list.js';
export { formatOpml, type OpmlFeed, parseOpml } from './opml.js';
