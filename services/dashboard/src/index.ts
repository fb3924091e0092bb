export { accessPolicy, DashboardTokenRequiredError, isLoopbackHost } from './auth.js';
export { escapeHtml, html, safeHref } from './html.js';
export { renderPage } from './render-page.js';
export { buildDashboard, startDashboard } from './server.js';
