export { type Classifier, prepareModel, startClassifier } from './classifier.js';
export { classifyArticle } from './classify-article.js';
export { ensureModel } from './ensure-model.js';
export { MODEL_FIX_HINT, ModelLoadError } from './errors/model-load-error.js';
export type { DownloadProgress } from './hub-download.js';
export {
  type LibraryZeroShot,
  loadLibraryZeroShot,
  loadNliModel,
  type NliModel,
  type PairBatch,
} from './model-runtime.js';
export { missingModelFiles, modelSource, onnxFileFor } from './model-source.js';
export { TINY_MODEL_DIR } from './tiny-model.js';
export {
  classifyText,
  fitPremise,
  hypothesesFor,
  type OwnTopicQuestion,
  ownTopicHypothesis,
  premiseOf,
  scorePremises,
  scoresFromLogits,
  softmax,
} from './zero-shot.js';
