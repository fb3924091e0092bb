import { TidingsError } from '@tidings/shared';

/** An ONNX file could not be converted to the external-data layout; the model still loads as it is. */
export class ModelConvertError extends TidingsError {
  static readonly code = 'TIDINGS_MODEL_CONVERT_FAILED';
  static readonly meaning =
    'A downloaded ONNX file could not be moved to the external-data layout; the model still loads as it is.';
  static readonly fix =
    'Nothing is required. To try again, delete the model from MODEL_CACHE_DIR and run `pnpm tidings models fetch`; the message says what in the file was unexpected.';

  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(ModelConvertError.code, `cannot move the weights of ${file} into external data: it ${detail}`, {
      cause: options?.cause,
    });
  }
}
