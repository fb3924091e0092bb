export { type Aggregator, startAggregator } from './aggregator.js';
export { RunBuilder } from './build-run.js';
export { finaliseRun } from './finalise-run.js';
export { planDeliveries } from './plan-deliveries.js';
export { type Snapshot, writeSnapshot } from './snapshot.js';
export { RunWatchdog } from './watchdog.js';
