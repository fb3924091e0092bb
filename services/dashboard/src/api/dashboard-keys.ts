import { type KeySpaceSource, keySpace } from '@tidings/shared';

/**
 * The dashboard's own keys. Each is read and written alone (no script or transaction spans
 * two), so on a cluster they need no hash tag and keep the names they always had.
 */
export function dashboardKeys(space: KeySpaceSource) {
  const { prefix } = keySpace(space);
  return {
    /** A login session, by the SHA-256 of its cookie value. */
    session: (digest: string) => `${prefix}:dashboard:session:${digest}`,
    /** Failed token attempts of one client in its window. */
    failedAuth: (client: string) => `${prefix}:dashboard:failed-auth:${client}`,
    /** The one preview a reader has running, by a digest of who they are. */
    preview: (digest: string) => `${prefix}:dashboard:preview:${digest}`,
  };
}
