import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedisServer } from '@tidings/runtime';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** One private redis-server for the whole test run: no persistence, its own directory, a free port. */
export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-test-redis-'));
  const server = await startRedisServer({ dir, appendOnly: false });
  project.provide('redisUrl', server.url);
  return async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
