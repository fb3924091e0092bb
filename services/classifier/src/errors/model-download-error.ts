import { TidingsError } from '@tidings/shared';

/**
 * One file of a model could not be downloaded; nothing of it is left under its real name.
 * ensureModel reports it as a ModelLoadError, which carries the fix.
 */
export class ModelDownloadError extends TidingsError {
  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super('TIDINGS_MODEL_DOWNLOAD_FAILED', `cannot download ${url}: ${detail}`, { cause: options?.cause });
  }
}
