import fs from 'node:fs';
import path from 'node:path';
import type { ServiceDefinition } from '@tidings/shared';
import { parse, parseAllDocuments } from 'yaml';

/** The files outside its own folder that name every service, as text, keyed by their path in the repository. */
export type DeployFiles = Record<string, string>;

/** One thing a file lacks for a service, or has for a service the registry does not name. */
export interface ServiceFileProblem {
  file: string;
  service: string;
  problem: string;
}

const BASE = 'k8s/base';
const OVERLAYS = 'k8s/overlays';
const SERVICES_DIR = 'services';
const FIXED = ['package.json', 'apps/cli/package.json', 'tsconfig.build.json', 'Dockerfile', 'docker-compose.yml'];

/** Every file the check reads: the fixed ones, each service folder's package.json, k8s/base and each overlay's kustomization. */
export function readDeployFiles(root: string): DeployFiles {
  const files: DeployFiles = {};
  const read = (file: string) => {
    files[file] = fs.readFileSync(path.join(root, file), 'utf8');
  };
  for (const file of FIXED) read(file);
  for (const dir of fs.readdirSync(path.join(root, SERVICES_DIR))) {
    if (fs.existsSync(path.join(root, SERVICES_DIR, dir, 'package.json'))) read(`${SERVICES_DIR}/${dir}/package.json`);
  }
  for (const file of fs.readdirSync(path.join(root, BASE))) if (file.endsWith('.yaml')) read(`${BASE}/${file}`);
  for (const overlay of fs.readdirSync(path.join(root, OVERLAYS))) read(`${OVERLAYS}/${overlay}/kustomization.yaml`);
  return files;
}

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface ComposeService {
  build?: { args?: Record<string, string> };
  image?: string;
  environment?: Record<string, string>;
}
interface Container {
  image?: string;
  env?: { name: string; value?: string }[];
  ports?: { containerPort: number }[];
}
interface K8sDocument {
  kind?: string;
  metadata?: { name?: string };
  spec?: { template?: { spec?: { containers?: Container[] } } };
}

const imageOf = (service: string) => `tidings-${service}`;

/** What every check is given: the registry (or a copy), the files read, and where problems go. */
interface Check {
  services: Record<string, ServiceDefinition>;
  names: string[];
  registered: Set<string>;
  files: DeployFiles;
  report(file: string, service: string, problem: string): void;
}

function text(files: DeployFiles, file: string): string {
  const found = files[file];
  if (found === undefined) throw new Error(`${file}: not read`);
  return found;
}

const nodeOptionsProblem = (found: string | undefined, wanted: string | undefined) =>
  found === wanted ? undefined : `NODE_OPTIONS ${found ?? 'unset'}, the registry's ${wanted ?? 'unset'}`;

/** Each service a package in services/<name>, built and depended on; answers the service folders the registry does not name, with their package. */
function checkWorkspace(c: Check): void {
  const servicePackages = new Map<string, string>();
  for (const [file, json] of Object.entries(c.files)) {
    const dir = new RegExp(`^${SERVICES_DIR}/([^/]+)/package\\.json$`).exec(file)?.[1];
    if (dir) servicePackages.set(dir, (JSON.parse(json) as Manifest).name ?? '');
  }
  for (const name of c.names) {
    const wanted = c.services[name]!.package;
    const found = servicePackages.get(name);
    const file = `${SERVICES_DIR}/${name}/package.json`;
    if (found === undefined) c.report(file, name, `no such file: the service's package ${wanted}`);
    else if (found !== wanted) c.report(file, name, `names ${found}, the registry ${wanted}`);
  }
  const unregistered = [...servicePackages].filter(([dir]) => !c.registered.has(dir));
  for (const [dir] of unregistered)
    c.report(`${SERVICES_DIR}/${dir}/package.json`, dir, 'a service folder the registry does not name');

  const root = JSON.parse(text(c.files, 'package.json')) as Manifest;
  const cli = JSON.parse(text(c.files, 'apps/cli/package.json')) as Manifest;
  const dependents: [string, Record<string, string> | undefined, string][] = [
    ['package.json', root.devDependencies, 'devDependencies (the tests import it)'],
    ['apps/cli/package.json', cli.dependencies, 'dependencies (`tidings start` resolves its main)'],
  ];
  for (const [file, deps, what] of dependents) {
    for (const name of c.names) {
      const pkg = c.services[name]!.package;
      if (!deps?.[pkg]) c.report(file, name, `${pkg} is not in its ${what}`);
    }
    for (const [dir, pkg] of unregistered)
      if (deps?.[pkg]) c.report(file, dir, `depends on ${pkg}, no registered service`);
  }

  const tsconfig = parse(text(c.files, 'tsconfig.build.json')) as { references?: { path: string }[] };
  const references = (tsconfig.references ?? []).map((r) => path.posix.normalize(r.path));
  for (const name of c.names)
    if (!references.includes(`${SERVICES_DIR}/${name}`))
      c.report('tsconfig.build.json', name, `no reference to ./${SERVICES_DIR}/${name}, so pnpm build skips it`);
  for (const [dir] of unregistered)
    if (references.includes(`${SERVICES_DIR}/${dir}`))
      c.report('tsconfig.build.json', dir, 'builds a service the registry does not name');
}

/** The manifest the image's install needs, and every SERVICE list the Dockerfile tells a builder. */
function checkDockerfile(c: Check): void {
  const dockerfile = text(c.files, 'Dockerfile');
  const copyLine = new RegExp(`^COPY ${SERVICES_DIR}/([^/\\s]+)/package\\.json `, 'gm');
  const copied = new Set([...dockerfile.matchAll(copyLine)].map((m) => m[1] ?? ''));
  const lists = [...dockerfile.matchAll(/SERVICE[= ](?:is one of )?([a-z-]+(?:(?:\||, )[a-z-]+)+)/g)].map((m) =>
    (m[1] ?? '').split(/\||, /),
  );
  if (lists.length === 0) c.report('Dockerfile', '*', 'no list of the SERVICE values a build takes');
  for (const name of c.names) {
    if (!copied.has(name))
      c.report('Dockerfile', name, `no COPY ${SERVICES_DIR}/${name}/package.json before pnpm fetch`);
    for (const list of lists)
      if (!list.includes(name)) c.report('Dockerfile', name, `missing from the SERVICE list ${list.join('|')}`);
  }
  for (const dir of copied)
    if (!c.registered.has(dir))
      c.report('Dockerfile', dir, 'copies the package.json of a service the registry does not name');
  for (const listed of new Set(lists.flat()))
    if (!c.registered.has(listed)) c.report('Dockerfile', listed, 'in the SERVICE list, no registered service');
}

/** Every service built from the image, named tidings-<name>, with its NODE_OPTIONS. */
function checkCompose(c: Check): void {
  const file = 'docker-compose.yml';
  const compose = parse(text(c.files, file), { merge: true }) as { services?: Record<string, ComposeService> };
  const services = compose.services ?? {};
  for (const name of c.names) {
    const service = services[name];
    if (!service) {
      c.report(file, name, 'no such service');
      continue;
    }
    if (service.build?.args?.SERVICE !== name) c.report(file, name, `not built with SERVICE: ${name}`);
    if (service.image !== imageOf(name)) c.report(file, name, `image is not ${imageOf(name)}`);
    const problem = nodeOptionsProblem(service.environment?.NODE_OPTIONS, c.services[name]!.nodeOptions);
    if (problem) c.report(file, name, problem);
  }
  for (const [name, service] of Object.entries(services))
    if (service.build && !c.registered.has(name)) c.report(file, name, 'a built service the registry does not name');
}

/** k8s/base: each service's Deployment (image, NODE_OPTIONS, health port) in a file its kustomization lists. */
function checkK8sBase(c: Check): void {
  const kustomization = `${BASE}/kustomization.yaml`;
  const resources = (parse(text(c.files, kustomization)) as { resources?: string[] }).resources ?? [];
  const deployments = new Map<string, { file: string; container: Container | undefined }>();
  for (const [file, yaml] of Object.entries(c.files)) {
    if (!file.startsWith(`${BASE}/`) || file === kustomization) continue;
    for (const doc of parseAllDocuments(yaml)) {
      const resource = doc.toJS() as K8sDocument | null;
      if (resource?.kind !== 'Deployment' || !resource.metadata?.name) continue;
      deployments.set(resource.metadata.name, { file, container: resource.spec?.template?.spec?.containers?.[0] });
    }
  }
  for (const name of c.names) {
    if (!resources.includes(`${name}.yaml`)) c.report(kustomization, name, `${name}.yaml is not in its resources`);
    const deployment = deployments.get(name);
    if (!deployment) {
      c.report(`${BASE}/${name}.yaml`, name, `no Deployment ${name}`);
      continue;
    }
    const { file, container } = deployment;
    if (!container?.image?.startsWith(`${imageOf(name)}:`))
      c.report(file, name, `its container's image is not ${imageOf(name)}`);
    const nodeOptions = container?.env?.find((v) => v.name === 'NODE_OPTIONS')?.value;
    const problem = nodeOptionsProblem(nodeOptions, c.services[name]!.nodeOptions);
    if (problem) c.report(file, name, problem);
    const { env, port } = c.services[name]!.health;
    if (!container?.ports?.some((p) => p.containerPort === port))
      c.report(file, name, `no container port ${port} (its ${env}) for the probes`);
  }
  for (const [name, { file }] of deployments) {
    if (c.registered.has(name)) continue;
    c.report(file, name, 'a Deployment the registry does not name');
    const listed = path.posix.basename(file);
    if (resources.includes(listed)) c.report(kustomization, name, `lists ${listed}`);
  }
}

/** An overlay that sets images sets every service's, and no other. */
function checkOverlays(c: Check): void {
  for (const [file, yaml] of Object.entries(c.files)) {
    if (!file.startsWith(`${OVERLAYS}/`)) continue;
    const images = (parse(yaml) as { images?: { name: string }[] }).images;
    if (!images) continue;
    const set = new Set(images.map((i) => i.name));
    for (const name of c.names)
      if (!set.has(imageOf(name))) c.report(file, name, `no images entry for ${imageOf(name)}`);
    for (const image of set) {
      const service = image.replace(/^tidings-/, '');
      if (!c.registered.has(service)) c.report(file, service, `an images entry ${image} the registry does not name`);
    }
  }
}

/**
 * What each file lacks for a service of `services`, or has for one it does not name: the
 * workspace (the service's package.json, root package.json, apps/cli's dependencies,
 * tsconfig.build.json), the Dockerfile, docker-compose.yml and k8s/ (base and overlays).
 * Pure: the test runs it on altered copies of the registry too.
 */
export function checkServiceFiles(
  services: Record<string, ServiceDefinition>,
  files: DeployFiles,
): ServiceFileProblem[] {
  const problems: ServiceFileProblem[] = [];
  const names = Object.keys(services);
  const check: Check = {
    services,
    names,
    registered: new Set(names),
    files,
    report: (file, service, problem) => problems.push({ file, service, problem }),
  };
  for (const step of [checkWorkspace, checkDockerfile, checkCompose, checkK8sBase, checkOverlays]) step(check);
  return problems;
}

export const formatProblem = (p: ServiceFileProblem) => `${p.file}: ${p.service}: ${p.problem}`;
