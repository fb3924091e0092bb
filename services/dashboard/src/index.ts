export { DashboardData } from './api/dashboard-data.js';
export { isLoopbackHost } from './api/origins.js';
export { DashboardTokenRequiredError } from './errors/dashboard-token-required-error.js';
export { buildDashboard, type DashboardOptions, startDashboard } from './fastify/server.js';
export { escapeHtml, html, safeHref } from './render/html.js';
export { renderLogin, renderPage } from './render/page.js';
