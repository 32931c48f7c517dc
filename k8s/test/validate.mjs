// Renders the kustomizations of k8s/ with `kubectl kustomize` and checks every object they produce:
//  - against the Kubernetes API schemas (the npm kubernetes-models validators: types, required fields, enums,
//    formats) — the CloudNativePG Cluster, the Prometheus operator's ServiceMonitor and PrometheusRule and KEDA's
//    ScaledObject, whose schemas are not there, against the fields this project relies on;
//  - against the deployment rules of docs/operations.md ("Deploy") (probes, grace period, non-root, read-only root file system,
//    resources, Secret and ConfigMap, SSE-safe Ingress, PDB, one autoscaler, the overlays' database and files),
//    and the monitoring (k8s/monitoring, with the base) and queue-autoscaling overlay against theirs;
// and the Dockerfile against what the manifests assume of the image (dockerfile.mjs).
// Before that, it checks itself: broken copies of the rendered objects must be rejected, or it fails.
// Prints one line per check and ends with "N passed, N failed"; exits 1 if any failed.
//
//   cd k8s/test && npm ci && node validate.mjs          (KUBECTL=/path/to/kubectl to choose the binary)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { imageProblems } from './dockerfile.mjs';
import { autoscalingRules, deploymentRules, filesRules, monitoringRules, overlayRules } from './rules.mjs';

const require = createRequire(import.meta.url);
const k8s = join(dirname(fileURLToPath(import.meta.url)), '..');
const kubectl = process.env.KUBECTL || 'kubectl';

let passed = 0;
let failed = 0;
function check(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    problems.forEach((p) => console.log(`       ${p}`));
  }
}

// kubectl before 1.21 (Debian's kubernetes-client is 1.20) embeds kustomize 2, which knows directories only as
// `bases` and strategic-merge patches only as `patchesStrategicMerge`: it renders a copy so rewritten
function legacyKustomize() {
  const version = JSON.parse(execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }));
  return Number.parseInt(version.clientVersion.minor, 10) < 21;
}

function legacyCopy() {
  const copy = join(mkdtempSync(join(tmpdir(), 'k8s-')), 'k8s');
  cpSync(k8s, copy, { recursive: true, filter: (f) => !f.includes('node_modules') });
  for (const file of [join(copy, 'kustomization.yaml'), join(copy, 'base', 'kustomization.yaml'),
    join(copy, 'overlays', 'with-postgres', 'kustomization.yaml'),
    join(copy, 'overlays', 'with-files', 'kustomization.yaml'), join(copy, 'monitoring', 'kustomization.yaml'),
    join(copy, 'overlays', 'queue-autoscaling', 'kustomization.yaml')]) {
    const k = parse(readFileSync(file, 'utf8'));
    const dirs = (k.resources || []).filter((r) => statSync(join(dirname(file), r)).isDirectory());
    if (dirs.length > 0) k.bases = dirs;
    k.resources = (k.resources || []).filter((r) => !dirs.includes(r));
    // kustomize 2 has no delete patch ($patch: delete): the copy leaves it out, and render() removes the object it
    // names from what kustomize 2 rendered, as kustomize 3 and later do
    const patches = (k.patches || []).map((patch) => patch.path);
    const deletes = patches.filter((path) => parse(readFileSync(join(dirname(file), path), 'utf8'))?.$patch === 'delete');
    if (deletes.length > 0) legacyDeletes.set(dirname(file), deletes.map((path) => parse(readFileSync(join(dirname(file), path), 'utf8'))));
    if (k.patches) k.patchesStrategicMerge = patches.filter((path) => !deletes.includes(path));
    if (k.patchesStrategicMerge?.length === 0) delete k.patchesStrategicMerge;
    delete k.patches;
    writeFileSync(file, stringify(k));
  }
  return copy;
}

const legacyDeletes = new Map();
const named = (object, target) => object.apiVersion === target.apiVersion && object.kind === target.kind
  && object.metadata?.name === target.metadata?.name;

const root = legacyKustomize() ? legacyCopy() : k8s;

function render(dir) {
  const out = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const deletes = legacyDeletes.get(dir) || [];
  return parseAllDocuments(out).map((doc) => doc.toJS()).filter((o) => o && !deletes.some((d) => named(o, d)));
}

// apiVersion "apps/v1" → kubernetes-models/apps/v1/<Kind>; core "v1" → kubernetes-models/v1/<Kind>
function modelOf(object) {
  try {
    return require(`kubernetes-models/${object.apiVersion}/${object.kind}`)[object.kind];
  } catch (e) {
    return null;
  }
}

/** The fields of a CloudNativePG Cluster (postgresql.cnpg.io/v1) that this project relies on. */
function cnpgCluster(o) {
  const p = [];
  const s = o.spec || {};
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.metadata?.name || '')) p.push('metadata.name must be a DNS label');
  if (!Number.isInteger(s.instances) || s.instances < 1) p.push('spec.instances must be an integer ≥ 1');
  if (typeof s.storage?.size !== 'string' || !/^\d+(Mi|Gi|Ti)$/.test(s.storage.size)) {
    p.push('spec.storage.size must be a quantity such as 10Gi');
  }
  const initdb = s.bootstrap?.initdb;
  if (typeof initdb?.database !== 'string' || typeof initdb?.owner !== 'string') {
    p.push('spec.bootstrap.initdb needs database and owner (they name the generated <name>-app Secret\'s user)');
  }
  for (const [key, value] of Object.entries(s.postgresql?.parameters || {})) {
    if (typeof value !== 'string') p.push(`spec.postgresql.parameters.${key} must be a string`);
  }
  const known = ['instances', 'imageName', 'bootstrap', 'postgresql', 'storage', 'resources', 'affinity',
    'monitoring', 'backup', 'primaryUpdateStrategy', 'enableSuperuserAccess', 'description'];
  Object.keys(s).filter((k) => !known.includes(k)).forEach((k) => p.push(`spec.${k} is not a field used here`));
  return p;
}

const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const strings = (map) => Object.values(map || {}).every((v) => typeof v === 'string');
const unknown = (object, known, at) => Object.keys(object || {}).filter((k) => !known.includes(k))
  .map((k) => `${at}.${k} is not a field used here`);

/** The fields of a ServiceMonitor (monitoring.coreos.com/v1) that this project relies on. */
function serviceMonitor(o) {
  const s = o.spec || {};
  const p = unknown(s, ['selector', 'endpoints', 'namespaceSelector', 'jobLabel'], 'spec');
  if (!s.selector?.matchLabels || !strings(s.selector.matchLabels)) p.push('spec.selector.matchLabels of strings needed');
  if (!Array.isArray(s.endpoints) || s.endpoints.length === 0) return [...p, 'spec.endpoints must be a non-empty list'];
  s.endpoints.forEach((e, i) => {
    p.push(...unknown(e, ['port', 'path', 'interval', 'scrapeTimeout', 'scheme', 'authorization', 'honorLabels'],
      `spec.endpoints[${i}]`));
    if (typeof e.port !== 'string') p.push(`spec.endpoints[${i}].port must be a port's name`);
    if (typeof e.path !== 'string' || !e.path.startsWith('/')) p.push(`spec.endpoints[${i}].path must be a path`);
    if (e.interval !== undefined && !DURATION.test(e.interval)) p.push(`spec.endpoints[${i}].interval is no duration`);
    const a = e.authorization;
    if (a && (a.type !== 'Bearer' || typeof a.credentials?.name !== 'string' || typeof a.credentials?.key !== 'string')) {
      p.push(`spec.endpoints[${i}].authorization must be type Bearer with credentials {name, key} of a Secret`);
    }
  });
  return p;
}

/** The fields of a PrometheusRule (monitoring.coreos.com/v1) that this project relies on. */
function prometheusRule(o) {
  const groups = o.spec?.groups;
  if (!Array.isArray(groups) || groups.length === 0) return ['spec.groups must be a non-empty list'];
  const p = unknown(o.spec, ['groups'], 'spec');
  groups.forEach((g, i) => {
    if (typeof g.name !== 'string') p.push(`spec.groups[${i}].name must be a string`);
    if (!Array.isArray(g.rules) || g.rules.length === 0) p.push(`spec.groups[${i}].rules must be a non-empty list`);
    (g.rules || []).forEach((r, j) => {
      const at = `spec.groups[${i}].rules[${j}]`;
      p.push(...unknown(r, ['alert', 'record', 'expr', 'for', 'labels', 'annotations'], at));
      if ((typeof r.alert === 'string') === (typeof r.record === 'string')) p.push(`${at} needs alert or record`);
      if (typeof r.expr !== 'string' || r.expr.trim() === '') p.push(`${at}.expr must be a PromQL expression`);
      if (r.for !== undefined && !DURATION.test(r.for)) p.push(`${at}.for is no duration`);
      if (!strings(r.labels) || !strings(r.annotations)) p.push(`${at}: labels and annotations must be strings`);
    });
  });
  return p;
}

/** The fields of a KEDA ScaledObject (keda.sh/v1alpha1) that this project relies on. */
function scaledObject(o) {
  const s = o.spec || {};
  const p = unknown(s, ['scaleTargetRef', 'minReplicaCount', 'maxReplicaCount', 'pollingInterval', 'cooldownPeriod',
    'fallback', 'advanced', 'triggers'], 'spec');
  if (typeof s.scaleTargetRef?.name !== 'string') p.push('spec.scaleTargetRef.name must be a string');
  for (const key of ['minReplicaCount', 'maxReplicaCount', 'pollingInterval']) {
    if (s[key] !== undefined && !Number.isInteger(s[key])) p.push(`spec.${key} must be an integer`);
  }
  if (s.fallback && !(Number.isInteger(s.fallback.failureThreshold) && Number.isInteger(s.fallback.replicas))) {
    p.push('spec.fallback needs integers failureThreshold and replicas');
  }
  if (!Array.isArray(s.triggers) || s.triggers.length === 0) return [...p, 'spec.triggers must be a non-empty list'];
  s.triggers.forEach((t, i) => {
    if (typeof t.type !== 'string') p.push(`spec.triggers[${i}].type must be a string`);
    // KEDA reads trigger metadata as strings only: a threshold of 100 (a number) is refused
    if (!t.metadata || !strings(t.metadata)) p.push(`spec.triggers[${i}].metadata must be strings`);
  });
  return p;
}

const CUSTOM = {
  'postgresql.cnpg.io/v1 Cluster': cnpgCluster,
  'monitoring.coreos.com/v1 ServiceMonitor': serviceMonitor,
  'monitoring.coreos.com/v1 PrometheusRule': prometheusRule,
  'keda.sh/v1alpha1 ScaledObject': scaledObject,
};

/** Problems of one object against its API schema. */
export function schemaProblems(object) {
  if (typeof object?.apiVersion !== 'string' || typeof object?.kind !== 'string') return ['no apiVersion/kind'];
  if (!object.metadata?.name) return [`${object.kind} has no metadata.name`];
  const custom = CUSTOM[`${object.apiVersion} ${object.kind}`];
  if (custom) return custom(object);
  const Model = modelOf(object);
  if (!Model) return [`no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (e) {
    return [e.message];
  }
}

function validateAll(label, objects, rules) {
  check(`${label}: renders objects`, objects.length > 0 ? [] : ['nothing rendered']);
  for (const object of objects) {
    check(`${label}: ${object.kind}/${object.metadata?.name} matches its schema`, schemaProblems(object));
  }
  for (const [name, rule] of Object.entries(rules)) check(`${label}: ${name}`, rule(objects));
}

/** Every problem that the checks find in a set of objects (schemas and rules). */
function allProblems(objects, rules) {
  return [...objects.flatMap(schemaProblems), ...Object.values(rules).flatMap((rule) => rule(objects))];
}

const find = (list, kind) => list.find((o) => o.kind === kind);
const env = (list, name) => find(list, 'Deployment').spec.template.spec.containers[0].env.find((e) => e.name === name);

// broken copies of the base's objects, and of the overlay's, that the checks must reject
const BASE_BREAKAGES = {
  'replicas as a string': (l) => { find(l, 'Deployment').spec.replicas = 'two'; },
  'a container without a name': (l) => { delete find(l, 'Deployment').spec.template.spec.containers[0].name; },
  'a wrong probe path': (l) => {
    find(l, 'Deployment').spec.template.spec.containers[0].readinessProbe.httpGet.path = '/health';
  },
  'a misspelt probe': (l) => {
    const c = find(l, 'Deployment').spec.template.spec.containers[0];
    c.livenesProbe = c.livenessProbe;
    delete c.livenessProbe;
  },
  'a writable root file system': (l) => {
    find(l, 'Deployment').spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
  },
  'a grace period below the shutdown grace': (l) => {
    find(l, 'Deployment').spec.template.spec.terminationGracePeriodSeconds = 10;
  },
  'a Service port that is not a number': (l) => { find(l, 'Service').spec.ports[0].port = 'eighty'; },
  'an HPA without maxReplicas': (l) => { delete find(l, 'HorizontalPodAutoscaler').spec.maxReplicas; },
  'proxy buffering left on': (l) => {
    find(l, 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/proxy-buffering'] = 'on';
  },
  'the password in the ConfigMap': (l) => { find(l, 'ConfigMap').data.PGPASSWORD = 'x'; },
  'a placeholder Secret': (l) => {
    l.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'jobstream' }, stringData: { JOBSTREAM_ADMIN_TOKEN: 'x' } });
  },
  'a service account token mounted': (l) => {
    find(l, 'Deployment').spec.template.spec.automountServiceAccountToken = true;
  },
  'a NetworkPolicy that admits everyone': (l) => { find(l, 'NetworkPolicy').spec.ingress = [{}]; },
  'a NetworkPolicy that lets the pods reach anything': (l) => { find(l, 'NetworkPolicy').spec.egress.push({}); },
  'a NetworkPolicy that keeps callers and workers in the cluster out': (l) => {
    const rule = find(l, 'NetworkPolicy').spec.ingress[0];
    rule.from = rule.from.filter((peer) => !peer.podSelector?.matchLabels?.['jobstream.dev/client']);
  },
  'an Ingress without TLS': (l) => { delete find(l, 'Ingress').spec.tls; },
  'a PDB selecting other pods': (l) => {
    find(l, 'PodDisruptionBudget').spec.selector.matchLabels = { app: 'other' };
  },
};
const OVERLAY_BREAKAGES = {
  'a Cluster of no instances': (l) => { find(l, 'Cluster').spec.instances = 0; },
  'PGHOST on a replica instead of the primary': (l) => { env(l, 'PGHOST').value = 'jobstream-db-ro'; },
  'a password written out': (l) => { env(l, 'PGPASSWORD').value = 'secret'; delete env(l, 'PGPASSWORD').valueFrom; },
  'TLS to the database not verified': (l) => { env(l, 'PGSSLMODE').value = 'require'; },
};

const FILES_BREAKAGES = {
  'the tokens file from a ConfigMap': (l) => {
    const volume = find(l, 'Deployment').spec.template.spec.volumes.find((v) => v.name === 'tokens');
    volume.configMap = { name: 'jobstream-tokens' };
    delete volume.secret;
  },
  'the jobs file outside its mount': (l) => { env(l, 'JOBSTREAM_WORKERS_JOBS_FILE').value = '/etc/jobs.json'; },
  'the tokens file mounted writable by subPath': (l) => {
    const mount = find(l, 'Deployment').spec.template.spec.containers[0].volumeMounts.find((m) => m.name === 'tokens');
    mount.readOnly = false;
    mount.subPath = 'tokens.json';
  },
};

const alert = (l, name) => find(l, 'PrometheusRule').spec.groups.flatMap((g) => g.rules).find((r) => r.alert === name);
const MONITORING_BREAKAGES = {
  'an alert without for': (l) => { delete alert(l, 'JobstreamQueueBacklog').for; },
  'an alert without a severity': (l) => { delete alert(l, 'JobstreamRunsFailing').labels.severity; },
  'an alert without a description': (l) => { delete alert(l, 'JobstreamStaleRuns').annotations.description; },
  'an alert without an expression': (l) => { delete alert(l, 'JobstreamStaleRuns').expr; },
  'a ServiceMonitor on a port the Service does not have': (l) => { find(l, 'ServiceMonitor').spec.endpoints[0].port = 'metrics'; },
  'a ServiceMonitor on another path': (l) => { find(l, 'ServiceMonitor').spec.endpoints[0].path = '/metrics'; },
  'a ServiceMonitor selecting other services': (l) => {
    find(l, 'ServiceMonitor').spec.selector.matchLabels = { app: 'other' };
  },
  'a dashboard ConfigMap without its label': (l) => {
    delete l.find((o) => o.metadata.labels?.grafana_dashboard).metadata.labels.grafana_dashboard;
  },
  'a dashboard that is not JSON': (l) => {
    const map = l.find((o) => o.metadata.labels?.grafana_dashboard);
    map.data['dashboard.json'] = map.data['dashboard.json'].slice(1);
  },
};
const AUTOSCALING_BREAKAGES = {
  'the CPU HPA beside the ScaledObject': (l) => {
    l.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'jobstream' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'jobstream' }, minReplicas: 2, maxReplicas: 6 } });
  },
  'a ScaledObject of another Deployment': (l) => { find(l, 'ScaledObject').spec.scaleTargetRef.name = 'other'; },
  'a threshold as a number': (l) => { find(l, 'ScaledObject').spec.triggers[0].metadata.threshold = 100; },
  'a trigger on CPU instead of the queue': (l) => {
    find(l, 'ScaledObject').spec.triggers = [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }];
  },
  'no ServiceMonitor to bring the queue depth to Prometheus': (l) => {
    l.splice(l.findIndex((o) => o.kind === 'ServiceMonitor'), 1);
  },
};

// the checker must be able to fail: each broken copy must be rejected
function selfCheck(label, objects, rules, breakages) {
  for (const [name, breakIt] of Object.entries(breakages)) {
    const copy = structuredClone(objects);
    breakIt(copy);
    check(`self-check ${label}: ${name} is rejected`, allProblems(copy, rules).length > 0 ? [] : ['not detected']);
  }
}

const base = render(root);
const overlay = render(join(root, 'overlays', 'with-postgres'));
const withPostgres = { ...deploymentRules, ...overlayRules };
selfCheck('k8s/', base, deploymentRules, BASE_BREAKAGES);
selfCheck('with-postgres', overlay, withPostgres, OVERLAY_BREAKAGES);
const files = render(join(root, 'overlays', 'with-files'));
const withFiles = { ...deploymentRules, ...filesRules };
selfCheck('with-files', files, withFiles, FILES_BREAKAGES);
const monitored = [...base, ...render(join(root, 'monitoring'))];
const withMonitoring = { ...deploymentRules, ...monitoringRules };
selfCheck('k8s/ with k8s/monitoring', monitored, withMonitoring, MONITORING_BREAKAGES);
const scaled = render(join(root, 'overlays', 'queue-autoscaling'));
const withQueueScaling = { ...deploymentRules, ...monitoringRules, ...autoscalingRules };
selfCheck('queue-autoscaling', scaled, withQueueScaling, AUTOSCALING_BREAKAGES);
const dockerfile = readFileSync(join(k8s, '..', 'Dockerfile'), 'utf8');
const port = find(base, 'Deployment').spec.template.spec.containers[0].ports[0].containerPort;
check('self-check Dockerfile: a root user is rejected',
  imageProblems(dockerfile.replace('USER 185', 'USER root'), port).length > 0 ? [] : ['not detected']);
check('Dockerfile: jvm and native images as the pods need them', imageProblems(dockerfile, port));
validateAll('k8s/', base, deploymentRules);
validateAll('k8s/overlays/with-postgres', overlay, withPostgres);
validateAll('k8s/overlays/with-files', files, withFiles);
validateAll('k8s/ with k8s/monitoring', monitored, withMonitoring);
validateAll('k8s/overlays/queue-autoscaling', scaled, withQueueScaling);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
