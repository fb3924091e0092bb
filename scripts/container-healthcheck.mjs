// The images' HEALTHCHECK: the dashboard's /healthz on DASHBOARD_PORT, a worker service's
// /healthz on HEALTH_PORT (packages/runtime/src/health-server.ts). Exit 0 healthy, 1 not.
const dashboard = process.env.SERVICE === 'dashboard';
const port = dashboard ? (process.env.DASHBOARD_PORT ?? '3000') : process.env.HEALTH_PORT;
if (!port) {
  process.stderr.write('HEALTH_PORT is unset: this service serves no probes\n');
  process.exit(1);
}
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4_000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
