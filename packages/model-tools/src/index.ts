export { type EnsureModelOptions, ensureModel, type ModelOnDisk } from './ensure-model.js';
export { ModelConvertError } from './errors/model-convert-error.js';
export { ModelDownloadError } from './errors/model-download-error.js';
export { MODEL_FIX_HINT, ModelLoadError } from './errors/model-load-error.js';
export { ModelQuantizeError } from './errors/model-quantize-error.js';
export { convertToExternalData, type ExternalDataResult, usesExternalData } from './external-data.js';
export { type DownloadProgress, downloadFile, hubFileUrl } from './hub-download.js';
export {
  announcedDataFiles,
  type ModelDtype,
  type ModelSource,
  missingModelFiles,
  modelSource,
  onnxFileFor,
} from './model-source.js';
export { type EmbeddingQuantized, gatherTableTypes, quantizeEmbeddingInFile } from './quantize-embedding.js';
