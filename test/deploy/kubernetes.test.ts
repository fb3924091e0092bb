/**
 * k8s/: every manifest of both overlays, built as kustomize builds it, validates against the
 * Kubernetes schemas (kubernetes-models), KEDA's CRDs (@kubernetes-models/keda) and the
 * prometheus-operator's (@kubernetes-models/prometheus-operator); the alerts' PromQL parses
 * (Prometheus's own lezer grammar) and names only metrics the dashboard exports; every
 * variable a tidings container gets is one packages/shared/src/config-vars.ts defines (a
 * renamed variable fails here), secrets come only from Secret references, and the settings
 * that must agree with the code (V8 options, the health port, the lock time, the backlog
 * key) do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { buildDashboard } from '@tidings/dashboard';
import { createLogger } from '@tidings/runtime';
import { CONFIG_VARS, type ConfigVarName, ProblemSchema, QUEUE_NAMES, SERVICE_NAMES, SERVICES } from '@tidings/shared';
import { buildKustomization, type KustomizeResource, ROOT, testConfig } from '@tidings/testing';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown };
}
interface Probe {
  httpGet?: { path: string; port: string | number; httpHeaders?: { name: string; value: string }[] };
  exec?: unknown;
  tcpSocket?: unknown;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: unknown }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: { memory?: string }; limits?: { memory?: string } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface DeploymentSpec {
  template: {
    spec: {
      containers: Container[];
      initContainers?: Container[];
      terminationGracePeriodSeconds?: number;
      securityContext?: { runAsNonRoot?: boolean };
    };
  };
}

const OVERLAYS = ['local', 'production'];
const built = Object.fromEntries(OVERLAYS.map((o) => [o, buildKustomization(path.join(ROOT, 'k8s/overlays', o))]));
const VAR_NAMES = new Set(Object.keys(CONFIG_VARS));
/** Set for node itself, not read by loadConfig. */
const NODE_VARS = new Set(['NODE_OPTIONS']);

const find = (resources: KustomizeResource[], kind: string, name: string) => {
  const found = resources.find((r) => r.kind === kind && r.metadata.name === name);
  expect(found, `${kind} ${name}`).toBeDefined();
  return found!;
};
const deploymentsOf = (resources: KustomizeResource[]) => resources.filter((r) => r.kind === 'Deployment');
const containerOf = (r: KustomizeResource) => (r.spec as DeploymentSpec).template.spec.containers[0]!;
const configOf = (resources: KustomizeResource[]) =>
  find(resources, 'ConfigMap', 'tidings-config').data as Record<string, string>;
const mebibytes = (q: string) => {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  expect(m, `memory quantity ${q}`).not.toBeNull();
  return Number(m![1]) * (m![2] === 'Gi' ? 1024 : 1);
};

describe.each(OVERLAYS)('k8s/overlays/%s', (overlay) => {
  const resources = built[overlay]!;
  const config = configOf(resources);

  it('has the five services, the classifier PDB and autoscaler, and validates against the schemas', () => {
    for (const name of SERVICE_NAMES) find(resources, 'Deployment', name);
    find(resources, 'PodDisruptionBudget', 'classifier');
    find(resources, 'ScaledObject', 'classifier');
    find(resources, 'PrometheusRule', 'tidings');
    for (const r of resources) {
      const Model = MODELS[`${r.apiVersion}/${r.kind}`];
      expect(Model, `${r.apiVersion} ${r.kind} ${r.metadata.name}: no schema to check it against`).toBeDefined();
      expect(() => new Model!(r as never).validate(), `${r.kind} ${r.metadata.name}`).not.toThrow();
      expect(r.metadata.namespace ?? (r.kind === 'Namespace' ? r.metadata.name : undefined)).toBe('tidings');
    }
  });

  it('gives tidings containers only variables the config spec defines, secret ones only from Secrets', () => {
    for (const key of Object.keys(config)) {
      expect(VAR_NAMES.has(key), `ConfigMap key ${key} is no variable of config-vars.ts`).toBe(true);
      expect(CONFIG_VARS[key as ConfigVarName].secret, `${key} is secret: not in a ConfigMap`).not.toBe(true);
    }
    for (const name of SERVICE_NAMES) {
      const c = containerOf(find(resources, 'Deployment', name));
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'tidings-config' } }]);
      for (const v of c.env ?? []) {
        if (NODE_VARS.has(v.name)) continue;
        expect(VAR_NAMES.has(v.name), `${name}: ${v.name} is no variable of config-vars.ts`).toBe(true);
        if (CONFIG_VARS[v.name as ConfigVarName].secret) {
          expect(v.value, `${name}: ${v.name} is secret, so only a secretKeyRef`).toBeUndefined();
          expect(v.valueFrom?.secretKeyRef?.key, `${name}: ${v.name}`).toBe(v.name);
        }
      }
      expect(c.env?.find((v) => v.name === 'REDIS_URL')?.valueFrom?.secretKeyRef?.name).toBe('tidings-secrets');
    }
    const dashboard = containerOf(find(resources, 'Deployment', 'dashboard'));
    expect(dashboard.env?.find((v) => v.name === 'DASHBOARD_TOKEN')?.valueFrom?.secretKeyRef).toBeDefined();
  });

  it('runs every pod as non-root on a read-only root filesystem, with probes and memory bounds', () => {
    for (const d of deploymentsOf(resources)) {
      const pod = (d.spec as DeploymentSpec).template.spec;
      expect(pod.securityContext?.runAsNonRoot, d.metadata.name).toBe(true);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation, c.name).toBe(false);
        const request = mebibytes(c.resources?.requests?.memory ?? '');
        expect(mebibytes(c.resources?.limits?.memory ?? '')).toBeGreaterThanOrEqual(request);
      }
      for (const c of pod.containers) {
        expect(c.livenessProbe, `${c.name} liveness`).toBeDefined();
        expect(c.readinessProbe, `${c.name} readiness`).toBeDefined();
      }
    }
  });

  it('prepares the model in an init container of the classifier image, with more memory than classifying takes', () => {
    const pod = (find(resources, 'Deployment', 'classifier').spec as DeploymentSpec).template.spec;
    const classifier = pod.containers[0]!;
    const init = pod.initContainers?.find((c) => c.name === 'model');
    expect(init, 'init container "model"').toBeDefined();
    expect(init!.image).toBe(classifier.image);
    expect(init!.envFrom).toEqual(classifier.envFrom);
    expect(init!.volumeMounts).toEqual(classifier.volumeMounts);
    // The image's WORKDIR holds the build output (Dockerfile): the command names a file the build makes.
    const [node, entry] = init!.command ?? [];
    expect(node).toBe('node');
    expect(fs.existsSync(path.join(ROOT, entry ?? '')), entry).toBe(true);
    expect(mebibytes(init!.resources?.limits?.memory ?? '')).toBeGreaterThan(
      mebibytes(classifier.resources?.limits?.memory ?? ''),
    );
  });

  it('probes workers on HEALTH_PORT and the dashboard on /healthz under a host name it answers', () => {
    const healthPort = Number(config.HEALTH_PORT);
    expect(healthPort).toBeGreaterThan(0);
    for (const name of SERVICE_NAMES.filter((n) => SERVICES[n].health.env === 'HEALTH_PORT')) {
      const c = containerOf(find(resources, 'Deployment', name));
      expect(c.ports).toEqual([{ name: 'health', containerPort: healthPort }]);
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
      expect(c.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    }
    const dashboard = containerOf(find(resources, 'Deployment', 'dashboard'));
    for (const probe of [dashboard.livenessProbe, dashboard.readinessProbe]) {
      expect(probe?.httpGet?.path).toBe('/healthz');
      expect(probe?.httpGet?.httpHeaders).toEqual([{ name: 'Host', value: 'localhost' }]);
    }
  });

  it('gives each service the V8 settings `tidings start` gives it', () => {
    for (const name of SERVICE_NAMES) {
      const c = containerOf(find(resources, 'Deployment', name));
      expect(c.env?.find((v) => v.name === 'NODE_OPTIONS')?.value, name).toBe(SERVICES[name].nodeOptions);
    }
  });

  it('lets a classifier finish its article on a scale-down: the grace period outlives the lock', () => {
    const pod = (find(resources, 'Deployment', 'classifier').spec as DeploymentSpec).template.spec;
    const lockMs = Number(config.CLASSIFIER_LOCK_MS ?? CONFIG_VARS.CLASSIFIER_LOCK_MS.default);
    expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThanOrEqual(lockMs);
    const pdb = find(resources, 'PodDisruptionBudget', 'classifier').spec as {
      selector: { matchLabels: Record<string, string> };
    };
    expect(pdb.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'classifier' });
  });

  it('scales classifiers 0..N on the classify wait list of TIDINGS_PREFIX, with a cool-down', () => {
    const spec = find(resources, 'ScaledObject', 'classifier').spec as {
      scaleTargetRef: { name: string };
      minReplicaCount: number;
      maxReplicaCount: number;
      cooldownPeriod: number;
      triggers: { type: string; metadata: Record<string, string>; authenticationRef: { name: string } }[];
    };
    expect(spec.scaleTargetRef.name).toBe('classifier');
    expect(spec.minReplicaCount).toBe(0);
    expect(spec.maxReplicaCount).toBeGreaterThan(1);
    expect(spec.cooldownPeriod).toBeGreaterThanOrEqual(60);
    expect(spec.triggers).toHaveLength(1);
    expect(spec.triggers[0]?.type).toBe('redis');
    expect(spec.triggers[0]?.metadata.listName).toBe(`${config.TIDINGS_PREFIX}:classify:wait`);
    find(resources, 'TriggerAuthentication', spec.triggers[0]!.authenticationRef.name);
  });
});

interface AlertRule {
  alert: string;
  expr: string;
}

/** The metric names a dashboard's /metrics exports (a histogram's as its _bucket, _sum and _count series). */
async function exportedMetrics(): Promise<Set<string>> {
  const { app } = await buildDashboard({ config: testConfig(), logger: createLogger('k8s-test', { level: 'silent' }) });
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const text = await (await fetch(`${address}/metrics`)).text();
    const names = new Set<string>();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      names.add(name!);
      if (type === 'histogram') for (const end of ['_bucket', '_sum', '_count']) names.add(`${name}${end}`);
    }
    return names;
  } finally {
    await app.close();
  }
}

/** The PromQL of one rule: its syntax errors, the metric names it selects and the label values it matches. */
function readPromql(expr: string) {
  const errors: string[] = [];
  const metrics: string[] = [];
  const labels: { name: string; value: string }[] = [];
  promql.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: ${expr.slice(Math.max(0, node.from - 20), node.from + 20)}`);
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) metrics.push(expr.slice(id.from, id.to));
      }
      if (node.name === 'UnquotedLabelMatcher') {
        const name = node.node.getChild('LabelName');
        const value = node.node.getChild('StringLiteral');
        if (name && value)
          labels.push({ name: expr.slice(name.from, name.to), value: expr.slice(value.from + 1, value.to - 1) });
      }
    },
  });
  return { errors, metrics, labels };
}

describe('k8s/base/alerts.yaml', () => {
  const rule = find(built.production!, 'PrometheusRule', 'tidings').spec as { groups: { rules: AlertRule[] }[] };
  const rules = rule.groups.flatMap((g) => g.rules);

  it('alerts on a late digest, on missed runs and on a growing classify backlog', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'TidingsClassifyBacklogGrowing',
      'TidingsDigestLate',
      'TidingsScheduledRunMissed',
    ]);
    const late = readPromql(rules.find((r) => r.alert === 'TidingsDigestLate')!.expr);
    expect(late.metrics).toContain('tidings_last_successful_run_timestamp_seconds');
    expect(late.labels).toContainEqual({ name: 'kind', value: 'run-late' });
  });

  it('writes PromQL that parses, on metrics and label values the dashboard really exports', async () => {
    const exported = await exportedMetrics();
    const kinds: string[] = ProblemSchema.shape.kind.options;
    for (const r of rules) {
      const { errors, metrics, labels } = readPromql(r.expr);
      expect(errors, `${r.alert}: PromQL syntax`).toEqual([]);
      expect(metrics.length, `${r.alert} selects no metric`).toBeGreaterThan(0);
      for (const m of metrics) expect(exported.has(m), `${r.alert}: /metrics exports no ${m}`).toBe(true);
      for (const { name, value } of labels) {
        if (name === 'kind') expect(kinds, `${r.alert}: no problem kind ${value}`).toContain(value);
        if (name === 'queue') expect(QUEUE_NAMES as string[], `${r.alert}: no queue ${value}`).toContain(value);
      }
    }
    // The check can fail: a misspelt metric is caught.
    expect(exported.has(readPromql('tidings_last_successfull_run_timestamp_seconds > 0').metrics[0]!)).toBe(false);
  });
});

describe('k8s/overlays/local', () => {
  const resources = built.local!;
  const secret = find(resources, 'Secret', 'tidings-secrets').data as Record<string, string>;

  it('has every Secret key a manifest references in its secrets.env.example', () => {
    const referenced = new Set<string>();
    for (const d of deploymentsOf(resources))
      for (const c of (d.spec as DeploymentSpec).template.spec.containers)
        for (const v of c.env ?? []) {
          const ref = v.valueFrom?.secretKeyRef as { key: string; optional?: boolean } | undefined;
          if (ref && !ref.optional) referenced.add(ref.key);
        }
    const auth = find(resources, 'TriggerAuthentication', 'tidings-redis').spec as {
      secretTargetRef: { key: string }[];
    };
    for (const ref of auth.secretTargetRef) referenced.add(ref.key);
    expect(Object.keys(secret).sort()).toEqual([...referenced].sort());
  });

  it('runs a Redis of its own, with the password from the Secret', () => {
    const redis = containerOf(find(resources, 'Deployment', 'redis'));
    expect(redis.env?.find((v) => v.name === 'REDIS_PASSWORD')?.valueFrom?.secretKeyRef?.key).toBe('REDIS_PASSWORD');
    find(resources, 'Service', 'redis');
  });
});

describe('k8s/overlays/production', () => {
  const resources = built.production!;

  it('brings no Redis and no Secret of its own, and names images in a registry', () => {
    expect(resources.find((r) => r.metadata.name === 'redis')).toBeUndefined();
    expect(resources.find((r) => r.kind === 'Secret')).toBeUndefined();
    for (const name of SERVICE_NAMES) expect(containerOf(find(resources, 'Deployment', name)).image).toMatch(/\//);
  });
});
