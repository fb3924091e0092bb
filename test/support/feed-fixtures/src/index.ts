export * from './feed-server.js';
export * from './generated-feed.js';
