// Loading a model takes its source; the tooling that puts its files on disk is @tidings/model-tools.
export { MODEL_FIX_HINT, ModelLoadError, modelSource, onnxFileFor } from '@tidings/model-tools';
export { type Classifier, prepareModel, startClassifier } from './classifier.js';
export { classifyArticle } from './classify-article.js';
export { classifyLabelled, type ScoredLine } from './classify-labelled.js';
export {
  type LibraryZeroShot,
  loadLibraryZeroShot,
  loadNliModel,
  type NliModel,
  type PairBatch,
} from './model-runtime.js';
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
