export { ArticleSearch, type SearchResults } from './api/search.js';
export { isSearchQuery, parseSearchQuery } from './api/search-query.js';
export { DashboardTokenRequiredError } from './errors/dashboard-token-required-error.js';
export { buildDashboard, type DashboardOptions, startDashboard } from './fastify/server.js';
export { type TopicFeedsOpmlOptions, topicFeedsOpml } from './render/opml.js';
