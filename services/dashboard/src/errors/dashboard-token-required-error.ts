import { TidingsError } from '@tidings/shared';

/** Thrown at start-up: a dashboard reachable from other machines must never be open. */
export class DashboardTokenRequiredError extends TidingsError {
  static readonly code = 'TIDINGS_DASHBOARD_TOKEN_REQUIRED';
  static readonly meaning =
    'The dashboard would listen where other machines reach it (DASHBOARD_HOST is not loopback) without DASHBOARD_TOKEN; it refused to start.';
  static readonly fix = 'Set DASHBOARD_TOKEN to at least 16 characters, or set DASHBOARD_HOST=127.0.0.1.';

  constructor(host: string) {
    super(
      DashboardTokenRequiredError.code,
      `DASHBOARD_TOKEN: required when DASHBOARD_HOST is not loopback (it is '${host}'); set a token of at least 16 characters, or bind to 127.0.0.1`,
    );
  }
}
