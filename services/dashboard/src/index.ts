export { DashboardTokenRequiredError } from './errors/dashboard-token-required-error.js';
export { buildDashboard, type DashboardOptions, startDashboard } from './fastify/server.js';
