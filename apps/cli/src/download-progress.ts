import type { DownloadProgress } from '@tidings/model-tools';
import { ProgressDisplay } from './progress-display.js';

/** Bytes in the unit that shows them moving: a model is a gigabyte, its config.json a few hundred bytes. */
function size(bytes: number): string {
  if (bytes < 10_000) return `${bytes} B`;
  if (bytes < 10e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function formatDownload(p: DownloadProgress): string {
  if (p.total === undefined) return `${p.file}: ${size(p.received)}`;
  const percent = p.total === 0 ? 100 : Math.floor((p.received / p.total) * 100);
  return `${p.file}: ${size(p.received)} of ${size(p.total)} (${percent}%)`;
}

/**
 * Download progress on stderr: rewritten in place on a terminal; elsewhere a line each time
 * a file passes another tenth, so a log shows the transfer moving without a line per chunk.
 */
export function downloadProgress(stream: NodeJS.WriteStream = process.stderr) {
  const display = new ProgressDisplay(stream);
  const tenths = new Map<string, number>();
  return {
    update(p: DownloadProgress): void {
      if (!stream.isTTY) {
        const tenth = p.total ? Math.floor((p.received / p.total) * 10) : 0;
        if ((tenths.get(p.file) ?? -1) >= tenth && p.total !== undefined) return;
        tenths.set(p.file, tenth);
      }
      display.update(formatDownload(p));
    },
    done: () => display.done(),
  };
}
