import { loadConfig, SERVICE_NAMES, SERVICES } from '@tidings/shared';
import { describe, expect, it } from 'vitest';
import { serviceSpecs } from '../src/stack.js';
import { stopGroups } from '../src/supervisor.js';

describe('the services `tidings start` runs', () => {
  const specs = serviceSpecs(loadConfig({ CLASSIFIER_PROCESSES: '3' }));

  it('runs every service of the registry once, the classifier as CLASSIFIER_PROCESSES processes', () => {
    expect(specs.map((s) => s.name)).toEqual(
      SERVICE_NAMES.flatMap((name) =>
        name === 'classifier' ? ['classifier-1', 'classifier-2', 'classifier-3'] : [name],
      ),
    );
    expect(serviceSpecs(loadConfig({})).filter((s) => s.service === 'classifier')).toEqual([
      { name: 'classifier', service: 'classifier' },
    ]);
  });

  it('stops in the registry order, every classifier together, the loader before any worker it feeds', () => {
    const groups = stopGroups(specs, (s) => s.service);
    const orders = groups.map((group) => [...new Set(group.map((s) => SERVICES[s.service].stopOrder))]);
    expect(orders).toEqual(
      [...new Set(SERVICE_NAMES.map((n) => SERVICES[n].stopOrder))].sort((a, b) => a - b).map((o) => [o]),
    );
    expect(groups.flat()).toHaveLength(specs.length);
    const groupOf = (name: string) => groups.findIndex((group) => group.some((s) => s.name === name));
    expect(groupOf('classifier-1')).toBe(groupOf('classifier-3'));
    expect(groupOf('loader')).toBeLessThan(groupOf('classifier-1'));
    expect(groupOf('classifier-1')).toBeLessThan(groupOf('aggregator'));
  });
});
