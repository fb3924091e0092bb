import { TidingsError } from '@tidings/shared';

/** Thrown at start-up: a dashboard reachable from other machines must never be open. */
export class DashboardTokenRequiredError extends TidingsError {
  constructor(host: string) {
    super(
      'TIDINGS_DASHBOARD_TOKEN_REQUIRED',
      `DASHBOARD_TOKEN: required when DASHBOARD_HOST is not loopback (it is '${host}'); set a token of at least 16 characters, or bind to 127.0.0.1`,
    );
  }
}
