export { SLOW_TINY_MODEL_DIR, TINY_MODEL_DIR } from '@tidings/classifier/tiny-model';
export {
  DEMO_FEED as CNBC_FIXTURE,
  DEMO_SECOND_FEED as MARKETWIRE_FIXTURE,
  FIXTURES_DIR as FIXTURES,
  ROOT,
} from '@tidings/cli';
