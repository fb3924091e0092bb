import { TidingsError } from '@tidings/contracts';

/** One file of a model could not be downloaded; nothing of it is left under its real name. */
export class ModelDownloadError extends TidingsError {
  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super('TIDINGS_MODEL_DOWNLOAD_FAILED', `cannot download ${url}: ${detail}`, {
      fix: 'Fix: check that HF_ENDPOINT is reachable from here and MODEL_ID exists there, then try again; files already complete are kept',
      cause: options?.cause,
    });
  }
}
