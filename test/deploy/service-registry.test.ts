/**
 * The registry (packages/shared/src/services.ts) against the files outside a service's own
 * folder that must name it: a service missing from one, or one the registry does not name,
 * fails here by file and service. The same check runs on altered copies of the registry, so
 * the list of files a new service needs is proven, not assumed (CONTRIBUTING.md, "A service").
 */
import { SERVICES, type ServiceDefinition } from '@tidings/shared';
import { ROOT } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { checkServiceFiles, formatProblem, readDeployFiles, type ServiceFileProblem } from './service-files.js';

const files = readDeployFiles(ROOT);
const filesNaming = (problems: ServiceFileProblem[], service: string) =>
  [...new Set(problems.filter((p) => p.service === service).map((p) => p.file))].sort();

describe('the service registry', () => {
  it('names every service the workspace, Dockerfile, docker-compose.yml and k8s/ have, and they have each it names', () => {
    expect(checkServiceFiles(SERVICES, files).map(formatProblem)).toEqual([]);
  });

  it('names each file a sixth service still needs, and nothing about the five', () => {
    const archiver: ServiceDefinition = { ...SERVICES.notifier, package: '@tidings/archiver', start: 'startArchiver' };
    const problems = checkServiceFiles({ ...SERVICES, archiver }, files);
    expect(filesNaming(problems, 'archiver')).toEqual([
      'Dockerfile',
      'apps/cli/package.json',
      'docker-compose.yml',
      'k8s/base/archiver.yaml',
      'k8s/base/kustomization.yaml',
      'k8s/overlays/production/kustomization.yaml',
      'package.json',
      'services/archiver/package.json',
      'tsconfig.build.json',
    ]);
    expect(problems.filter((p) => p.service !== 'archiver')).toEqual([]);
    // The Dockerfile lacks both the manifest's COPY and the name in the SERVICE list a builder is told.
    expect(problems.filter((p) => p.file === 'Dockerfile').map((p) => p.problem)).toEqual([
      'no COPY services/archiver/package.json before pnpm fetch',
      expect.stringMatching(/^missing from the SERVICE list loader\|/),
      expect.stringMatching(/^missing from the SERVICE list loader\|/),
    ]);
  });

  it('names each file that still has a service the registry no longer names', () => {
    const { notifier: _dropped, ...four } = SERVICES;
    const problems = checkServiceFiles(four, files);
    expect(filesNaming(problems, 'notifier')).toEqual([
      'Dockerfile',
      'apps/cli/package.json',
      'docker-compose.yml',
      'k8s/base/kustomization.yaml',
      'k8s/base/notifier.yaml',
      'k8s/overlays/production/kustomization.yaml',
      'package.json',
      'services/notifier/package.json',
      'tsconfig.build.json',
    ]);
    expect(problems.filter((p) => p.service !== 'notifier')).toEqual([]);
  });

  it('names the files whose V8 settings or health port differ from the registry', () => {
    const aggregator: ServiceDefinition = {
      ...SERVICES.aggregator,
      nodeOptions: '--max-old-space-size=512',
      health: { env: 'HEALTH_PORT', port: 9090 },
    };
    expect(checkServiceFiles({ ...SERVICES, aggregator }, files).map(formatProblem)).toEqual([
      "docker-compose.yml: aggregator: NODE_OPTIONS --max-old-space-size=96 --max-semi-space-size=2, the registry's --max-old-space-size=512",
      "k8s/base/aggregator.yaml: aggregator: NODE_OPTIONS --max-old-space-size=96 --max-semi-space-size=2, the registry's --max-old-space-size=512",
      'k8s/base/aggregator.yaml: aggregator: no container port 9090 (its HEALTH_PORT) for the probes',
    ]);
  });
});
