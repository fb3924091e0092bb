import { TidingsError } from '@tidings/shared';

/**
 * One file of a model could not be downloaded; nothing of it is left under its real name.
 * ensureModel reports it as a ModelLoadError, which carries the fix.
 */
export class ModelDownloadError extends TidingsError {
  static readonly code = 'TIDINGS_MODEL_DOWNLOAD_FAILED';
  static readonly meaning =
    'One file of the model could not be downloaded from HF_ENDPOINT; nothing of it is left under its real name. The classifier reports it as TIDINGS_MODEL_UNAVAILABLE.';
  static readonly fix =
    'Check that HF_ENDPOINT (the Hugging Face hub, or a mirror) is reachable from this machine, then run `pnpm tidings models fetch` again; or set MODEL_DIR to a copy of the model.';

  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super(ModelDownloadError.code, `cannot download ${url}: ${detail}`, { cause: options?.cause });
  }
}
