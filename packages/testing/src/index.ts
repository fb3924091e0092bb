export * from './harness.js';
export * from './standalone.js';
