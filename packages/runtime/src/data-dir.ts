import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UnsafeFileError } from '@tidings/shared';

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
}

/**
 * The path of a file the services write under DATA_DIR, refused unless it stays inside:
 * names built from data (a run id) must never reach "../" or an absolute path. Checked on
 * the path as written and again on the real path of its folder, so a symlink inside
 * DATA_DIR cannot lead out of it either.
 */
export function fileInDataDir(dataDir: string, ...segments: string[]): string {
  const root = path.resolve(dataDir);
  const file = path.resolve(root, ...segments);
  if (!isInside(root, file)) throw new UnsafeFileError(file, `not inside DATA_DIR (${root}); nothing was written`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const realRoot = fs.realpathSync(root);
  const realFolder = fs.realpathSync(path.dirname(file));
  if (realFolder !== realRoot && !isInside(realRoot, realFolder)) {
    throw new UnsafeFileError(file, `its folder leads out of DATA_DIR (to ${realFolder}); nothing was written`);
  }
  return file;
}

/**
 * A secret kept in a file only this user may read (mode 0600): read it, or with `create`
 * make a random one on first use. A file others can read is refused rather than trusted.
 */
export function readSecretFile(file: string, { create = false } = {}): string | undefined {
  try {
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0) {
      throw new UnsafeFileError(
        file,
        `readable by others (mode ${(stat.mode & 0o777).toString(8)})`,
        `run 'chmod 600 ${file}', or delete it to have a new one made`,
      );
    }
    const secret = fs.readFileSync(file, 'utf8').trim();
    // An empty or short file (a crash while it was written, an edit) would make a guessable key.
    if (secret.length < 32) {
      throw new UnsafeFileError(
        file,
        'holds no usable secret (under 32 characters)',
        'delete it to have a new one made',
      );
    }
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!create) return undefined;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    // 'wx': two processes creating it at once must not each keep a different secret.
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readSecretFile(file);
    throw err;
  }
}

/** Where the key lives that signs `feeds` jobs the CLI adds on this host. */
export const jobSigningKeyFile = (dataDir: string) => path.join(path.resolve(dataDir), 'job-signing.key');

/**
 * The key that signs `feeds` jobs naming local files or private addresses: the CLI makes it
 * on first use; the loader only reads it, so without it no job can be signed at all.
 */
export function jobSigningKey(dataDir: string, { create = false } = {}): Buffer | undefined {
  const secret = readSecretFile(jobSigningKeyFile(dataDir), { create });
  return secret === undefined ? undefined : Buffer.from(secret, 'hex');
}
