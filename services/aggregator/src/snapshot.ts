import fs from 'node:fs/promises';
import { fileInDataDir } from '@tidings/runtime';
import { type Digest, type Run, RunIdSchema, UnsafeFileError } from '@tidings/shared';

export interface Snapshot {
  run: Run;
  digest: Digest;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, content);
  await fs.rename(tmp, file);
}

/**
 * The seed's result file: DATA_DIR/runs/<run-id>.json and DATA_DIR/latest.json, each the
 * digest as of the run plus the run's own record, replaced atomically so readers never see half.
 */
export async function writeSnapshot(
  dataDir: string,
  snapshot: Snapshot,
  { latest }: { latest: boolean },
): Promise<{ runFile: string; latestFile: string | null }> {
  // The run id names a file: it must be one (the schemas check it too), and the file must stay in DATA_DIR.
  if (!RunIdSchema.safeParse(snapshot.run.id).success) {
    throw new UnsafeFileError(`runs/${snapshot.run.id}.json`, 'the run id is not a run id; nothing was written');
  }
  const content = `${JSON.stringify(snapshot, null, 2)}\n`;
  const runFile = fileInDataDir(dataDir, 'runs', `${snapshot.run.id}.json`);
  await writeAtomically(runFile, content);
  // A late run (finalised by the watchdog, or retried) must not replace a newer run's latest.json.
  if (!latest) return { runFile, latestFile: null };
  const latestFile = fileInDataDir(dataDir, 'latest.json');
  await writeAtomically(latestFile, content);
  return { runFile, latestFile };
}
