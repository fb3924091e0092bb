import fs from 'node:fs/promises';
import path from 'node:path';
import type { Digest, Run } from '@tidings/contracts';

export interface Snapshot {
  run: Run;
  digest: Digest;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
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
  const content = `${JSON.stringify(snapshot, null, 2)}\n`;
  const runFile = path.join(dataDir, 'runs', `${snapshot.run.id}.json`);
  await writeAtomically(runFile, content);
  // A late run (finalised by the watchdog, or retried) must not replace a newer run's latest.json.
  if (!latest) return { runFile, latestFile: null };
  const latestFile = path.join(dataDir, 'latest.json');
  await writeAtomically(latestFile, content);
  return { runFile, latestFile };
}
