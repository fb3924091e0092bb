/**
 * What `kubectl apply -k` would apply, built the way kustomize builds it, for the parts of
 * kustomize k8s/ uses: resources (files and folders), namespace, labels, images, strategic
 * merge patches (lists of named items merged by name, null deleting a key) and an env-file
 * secretGenerator (its keys; from the overlay's `.example` file when the real one is absent,
 * as it is outside a deployment). Anything else in a kustomization fails the build, so the
 * test never passes on a field it did not read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface KustomizeResource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const KNOWN = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'labels',
  'images',
  'patches',
  'secretGenerator',
]);
const CLUSTER_SCOPED = new Set(['Namespace']);

function readYaml(file: string): KustomizeResource[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    return doc.toJS() as KustomizeResource;
  });
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Strategic merge as kustomize does it for the fields used here. */
function strategicMerge(base: Json, patch: Json): Json {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in base ? strategicMerge(base[key], value) : value;
    }
    return out;
  }
  const named = (list: Json[]) => list.every((item) => isObject(item) && typeof item.name === 'string');
  if (Array.isArray(base) && Array.isArray(patch) && named(base) && named(patch)) {
    const out = [...base] as Record<string, Json>[];
    for (const item of patch as Record<string, Json>[]) {
      const at = out.findIndex((b) => b.name === item.name);
      if (at === -1) out.push(item);
      else out[at] = strategicMerge(out[at], item) as Record<string, Json>;
    }
    return out;
  }
  return patch;
}

/** Init containers too: kustomize's images transformer rewrites both. */
function containersOf(resource: KustomizeResource): Record<string, Json>[] {
  type PodSpec = { containers?: Record<string, Json>[]; initContainers?: Record<string, Json>[] };
  const spec = (resource.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

export function buildKustomization(dir: string): KustomizeResource[] {
  const file = path.join(dir, 'kustomization.yaml');
  const k = readYaml(file)[0] as unknown as Record<string, Json>;
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new Error(`${file}: fields this build does not read: ${unknown.join(', ')}`);
  let out: KustomizeResource[] = [];
  for (const entry of (k.resources as string[] | undefined) ?? []) {
    const target = path.join(dir, entry);
    out.push(...(fs.statSync(target).isDirectory() ? buildKustomization(target) : readYaml(target)));
  }
  for (const gen of (k.secretGenerator as { name: string; envs: string[] }[] | undefined) ?? []) {
    const data: Record<string, string> = {};
    for (const env of gen.envs) {
      const real = path.join(dir, env);
      const text = fs.readFileSync(fs.existsSync(real) ? real : `${real}.example`, 'utf8');
      for (const line of text.split('\n')) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
        if (m) data[m[1]!] = Buffer.from(m[2]!).toString('base64');
      }
    }
    out.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: gen.name }, type: 'Opaque', data });
  }
  for (const { path: patchFile } of (k.patches as { path: string }[] | undefined) ?? []) {
    for (const patch of readYaml(path.join(dir, patchFile))) {
      const at = out.findIndex((r) => r.kind === patch.kind && r.metadata.name === patch.metadata.name);
      if (at === -1) throw new Error(`${patchFile}: no ${patch.kind} ${patch.metadata.name} to patch`);
      out[at] = strategicMerge(out[at], patch) as KustomizeResource;
    }
  }
  for (const { pairs } of (k.labels as { pairs: Record<string, string> }[] | undefined) ?? []) {
    out = out.map((r) => ({ ...r, metadata: { ...r.metadata, labels: { ...r.metadata.labels, ...pairs } } }));
  }
  for (const image of (k.images as { name: string; newName?: string; newTag?: string }[] | undefined) ?? []) {
    for (const r of out) {
      for (const c of containersOf(r)) {
        const [name, tag] = String(c.image).split(':');
        if (name === image.name) c.image = `${image.newName ?? name}:${image.newTag ?? tag}`;
      }
    }
  }
  if (typeof k.namespace === 'string') {
    const namespace = k.namespace;
    out = out.map((r) => (CLUSTER_SCOPED.has(r.kind) ? r : { ...r, metadata: { ...r.metadata, namespace } }));
  }
  return out;
}
