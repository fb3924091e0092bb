import fs from 'node:fs';
import path from 'node:path';
import { ModelDownloadError } from './errors/model-download-error.js';

export interface DownloadProgress {
  /** The file's path inside the model, e.g. "onnx/model.onnx". */
  file: string;
  received: number;
  /** From Content-Length; undefined when the server does not say. */
  total: number | undefined;
}

/** A file's address on the hub or a mirror of it: `{endpoint}/{model}/resolve/{revision}/{file}`. */
export function hubFileUrl(endpoint: string, modelId: string, file: string, revision = 'main'): string {
  return `${endpoint}/${modelId}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/**
 * Downloads one file to `dest`. It is written under a temporary name and renamed only once
 * complete and as long as the server said, so an interrupted transfer never leaves a half
 * file under the name a later start would take for part of a model.
 */
export async function downloadFile(
  url: string,
  dest: string,
  file: string,
  onProgress: (p: DownloadProgress) => void,
  idleMs = 60_000,
): Promise<number> {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const part = `${dest}.part-${process.pid}`;
  // A connection that stays open but sends nothing would hold the model lock forever.
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), idleMs);
  const stalled = (received: number, total: number | undefined) =>
    `no data for ${idleMs / 1000} s after ${received} of ${total ?? '?'} bytes`;
  let response: Response;
  try {
    // identity: a compressed body would not match Content-Length, the size every file is checked against.
    response = await fetch(url, {
      headers: { 'accept-encoding': 'identity', 'user-agent': 'tidings' },
      signal: idle.signal,
    });
  } catch (err) {
    clearTimeout(timer);
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new ModelDownloadError(url, idle.signal.aborted ? stalled(0, undefined) : `no answer (${cause})`, {
      cause: err,
    });
  }
  if (!response.ok || !response.body) {
    clearTimeout(timer);
    await response.body?.cancel();
    throw new ModelDownloadError(url, `answered HTTP ${response.status}`);
  }
  const length = response.headers.get('content-length');
  const total = length === null ? undefined : Number(length);
  let received = 0;
  const out = await fs.promises.open(part, 'w');
  try {
    for await (const chunk of response.body) {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleMs);
      await out.write(chunk);
      received += chunk.byteLength;
      onProgress({ file, received, total });
    }
    await out.sync();
  } catch (err) {
    await out.close();
    fs.rmSync(part, { force: true });
    const detail = idle.signal.aborted
      ? stalled(received, total)
      : `the transfer broke after ${received} of ${total ?? '?'} bytes`;
    throw new ModelDownloadError(url, detail, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  await out.close();
  if (total !== undefined && received !== total) {
    fs.rmSync(part, { force: true });
    throw new ModelDownloadError(url, `got ${received} bytes where the server announced ${total}`);
  }
  fs.renameSync(part, dest);
  return received;
}
