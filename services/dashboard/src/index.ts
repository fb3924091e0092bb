export { DashboardTokenRequiredError } from './errors/dashboard-token-required-error.js';
export { buildDashboard, type DashboardOptions, startDashboard } from './fastify/server.js';
export { type TopicFeedsOpmlOptions, topicFeedsOpml } from './render/opml.js';
export { ArticleSearch, type SearchResults } from './search/search.js';
export { isSearchQuery, parseSearchQuery } from './search/search-query.js';
