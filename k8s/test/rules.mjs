import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The deployment rules of docs/operations.md ("Deploy") and docs/configuration.md, each a function of the rendered objects that
// answers its problems (none: the rule holds).

const SECRET_KEYS = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'JOBSTREAM_ADMIN_TOKEN'];
// never a literal value in the manifests
const CREDENTIALS = ['PGUSER', 'PGPASSWORD', 'JOBSTREAM_ADMIN_TOKEN'];
// the keys of docs/configuration.md (the first cell of each row of its table) minus the Secret's keys: a setting
// in the manifests that the docs do not document fails
const CONFIG_TABLE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'configuration.md'),
  'utf8');
const CONFIG_KEYS = CONFIG_TABLE.split('\n').filter((line) => line.startsWith('| `'))
  .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]))
  .filter((key) => !SECRET_KEYS.includes(key));
const DEFAULT_SHUTDOWN_GRACE_SECONDS = 20;
// where the service serves Prometheus text: Quarkus' default unless application.properties moves it
const PROPERTIES = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'main', 'resources',
  'application.properties'), 'utf8');
const METRICS_PATH = /^quarkus\.micrometer\.export\.prometheus\.path=(.*)$/m.exec(PROPERTIES)?.[1].trim() ?? '/q/metrics';
const SEVERITIES = ['critical', 'warning', 'info'];
const ONE_HOUR = 3600;

const all = (objects, kind) => objects.filter((o) => o.kind === kind);
const one = (objects, kind) => all(objects, kind)[0];
const deployment = (objects) => one(objects, 'Deployment');
const podSpec = (objects) => deployment(objects)?.spec?.template?.spec ?? {};
const container = (objects) => podSpec(objects).containers?.[0] ?? {};
const podLabels = (objects) => deployment(objects)?.spec?.template?.metadata?.labels ?? {};
const selects = (selector, labels) => selector && Object.keys(selector).length > 0
  && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Seconds of a duration as jobstream reads it: 500ms, 20s, 5m, 2h, 1d, or ISO-8601 PT20S. */
export function seconds(text) {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text) || /^PT(\d+)(S|M|H)$/i.exec(text);
  if (!m) return NaN;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, S: 1, M: 60, H: 3600 }[m[2]];
  return Number(m[1]) * unit;
}

/** Where the container's variable comes from: {literal}, {secret, key}, {configMap}, or null. */
function source(objects, name) {
  const c = container(objects);
  const env = (c.env || []).find((e) => e.name === name);
  if (env) {
    if (env.valueFrom?.secretKeyRef) return { secret: env.valueFrom.secretKeyRef.name, key: env.valueFrom.secretKeyRef.key };
    return { literal: env.value };
  }
  for (const from of c.envFrom || []) {
    if (from.secretRef) {
      const secret = all(objects, 'Secret').find((s) => s.metadata.name === from.secretRef.name);
      if (secret && name in { ...secret.data, ...secret.stringData }) return { secret: secret.metadata.name, key: name };
      // a Secret the operator creates (not in the manifests): its keys are the ones docs/operations.md ("Deploy") lists
      if (!secret) return { secret: from.secretRef.name, key: name, external: true };
    }
    if (from.configMapRef) {
      const map = all(objects, 'ConfigMap').find((m) => m.metadata.name === from.configMapRef.name);
      if (map && name in (map.data || {})) return { configMap: map.metadata.name };
    }
  }
  return null;
}

function probe(objects, kind, path) {
  const p = container(objects)[kind];
  const ports = (container(objects).ports || []).flatMap((port) => [port.name, port.containerPort]);
  if (!p?.httpGet) return [`${kind}: none`];
  const problems = [];
  if (p.httpGet.path !== path) problems.push(`${kind}: path ${p.httpGet.path}, expected ${path}`);
  if (!ports.includes(p.httpGet.port)) problems.push(`${kind}: port ${p.httpGet.port} is not a container port`);
  return problems;
}

export const deploymentRules = {
  'one Deployment with 2 replicas and an image': (o) => {
    const d = all(o, 'Deployment');
    if (d.length !== 1) return [`${d.length} Deployments`];
    const p = [];
    if (d[0].spec.replicas !== 2) p.push(`replicas ${d[0].spec.replicas}`);
    if (!container(o).image) p.push('no image');
    if (!selects(d[0].spec.selector?.matchLabels, podLabels(o))) p.push('its selector does not match its pods');
    return p;
  },
  'probes on /q/health/live, /q/health/ready and /q/health/started': (o) => [
    ...probe(o, 'livenessProbe', '/q/health/live'),
    ...probe(o, 'readinessProbe', '/q/health/ready'),
    ...probe(o, 'startupProbe', '/q/health/started')],
  'terminationGracePeriodSeconds above JOBSTREAM_SHUTDOWN_GRACE and the preStop pause': (o) => {
    const map = all(o, 'ConfigMap').find((m) => m.data?.JOBSTREAM_SHUTDOWN_GRACE);
    const grace = map ? seconds(map.data.JOBSTREAM_SHUTDOWN_GRACE) : DEFAULT_SHUTDOWN_GRACE_SECONDS;
    const command = container(o).lifecycle?.preStop?.exec?.command || [];
    const pause = command[0] === 'sleep' ? Number(command[1]) : 0;
    const period = podSpec(o).terminationGracePeriodSeconds;
    return period > grace + pause ? [] : [`${period} s ≤ ${grace} s grace + ${pause} s preStop`];
  },
  'non-root, no privilege escalation, read-only root file system with /tmp an emptyDir': (o) => {
    const p = [];
    const sc = container(o).securityContext || {};
    if (podSpec(o).securityContext?.runAsNonRoot !== true && sc.runAsNonRoot !== true) p.push('runAsNonRoot unset');
    if (sc.readOnlyRootFilesystem !== true) p.push('root file system writable');
    if (sc.allowPrivilegeEscalation !== false) p.push('privilege escalation allowed');
    if (!(sc.capabilities?.drop || []).includes('ALL')) p.push('capabilities not dropped');
    const tmp = (container(o).volumeMounts || []).find((m) => m.mountPath === '/tmp');
    const volume = tmp && (podSpec(o).volumes || []).find((v) => v.name === tmp.name);
    if (!volume?.emptyDir) p.push('/tmp is not a mounted emptyDir');
    return p;
  },
  'CPU and memory requests, a memory limit at or above its request': (o) => {
    const r = container(o).resources || {};
    const mib = (q) => { const m = /^(\d+)(Mi|Gi)$/.exec(q || ''); return m ? Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1) : NaN; };
    const p = [];
    if (!r.requests?.cpu || !r.requests?.memory) p.push('requests of cpu and memory needed');
    if (!r.limits?.memory) p.push('memory limit needed');
    if (!(mib(r.limits?.memory) >= mib(r.requests?.memory))) p.push('memory limit below its request');
    return p;
  },
  'PG* and JOBSTREAM_ADMIN_TOKEN from a Secret, credentials never literal': (o) => SECRET_KEYS.flatMap((name) => {
    const from = source(o, name);
    if (!from) return [`${name} is not set`];
    if (from.configMap) return [`${name} comes from a ConfigMap`];
    if (from.literal !== undefined && CREDENTIALS.includes(name)) return [`${name} is a literal value`];
    return [];
  }),
  'no Secret in the manifests: the operator creates it, so no placeholder secret can be applied': (o) =>
    all(o, 'Secret').map((s) => `Secret ${s.metadata.name} is in the manifests`),
  'no service account token in the pods': (o) =>
    (podSpec(o).automountServiceAccountToken === false ? [] : ['automountServiceAccountToken is not false']),
  'a NetworkPolicy of the pods: in only from the ingress controller and Prometheus on http, out only to PostgreSQL and DNS':
    (o) => {
      const n = all(o, 'NetworkPolicy').find((x) => selects(x.spec.podSelector?.matchLabels, podLabels(o)));
      if (!n) return ['no NetworkPolicy selects the pods'];
      const p = [];
      for (const type of ['Ingress', 'Egress']) {
        if (!(n.spec.policyTypes || []).includes(type)) p.push(`policyTypes lacks ${type}`);
      }
      const http = (container(o).ports || []).flatMap((port) => [port.name, port.containerPort]);
      for (const rule of n.spec.ingress || []) {
        if (!rule.from || rule.from.length === 0) p.push('an ingress rule admits every source');
        for (const peer of rule.from || []) {
          if (!peer.podSelector || !peer.namespaceSelector) p.push('an ingress peer is not a pod of a namespace');
        }
        if (!rule.ports || rule.ports.some((x) => !http.includes(x.port))) p.push('an ingress rule opens another port');
      }
      const allowed = (x) => (x.port === 5432 && (x.protocol ?? 'TCP') === 'TCP') || x.port === 53;
      for (const rule of n.spec.egress || []) {
        if (!rule.ports || rule.ports.length === 0 || !rule.ports.every(allowed)) {
          p.push(`an egress rule opens more than PostgreSQL (5432) and DNS (53): ${JSON.stringify(rule.ports ?? 'all')}`);
        }
      }
      return p;
    },
  'callers and workers inside the cluster admitted by the pod label jobstream.dev/client: "true"': (o) => {
    const n = all(o, 'NetworkPolicy').find((x) => selects(x.spec.podSelector?.matchLabels, podLabels(o)));
    const peers = (n?.spec.ingress || []).flatMap((rule) => rule.from || []);
    return peers.some((peer) => peer.podSelector?.matchLabels?.['jobstream.dev/client'] === 'true' && peer.namespaceSelector)
      ? [] : ['no ingress peer selects the pods labelled jobstream.dev/client: "true"'];
  },
  'an Ingress with TLS for every host, plain HTTP redirected': (o) => {
    const i = one(o, 'Ingress');
    if (!i) return ['no Ingress'];
    const covered = (i.spec.tls || []).filter((t) => t.secretName).flatMap((t) => t.hosts || []);
    const p = (i.spec.rules || []).filter((r) => !covered.includes(r.host)).map((r) => `host ${r.host} without TLS`);
    if (i.metadata.annotations?.['nginx.ingress.kubernetes.io/force-ssl-redirect'] !== 'true') {
      p.push('plain HTTP is not redirected');
    }
    return p;
  },
  'a ConfigMap of the documented settings, without credentials': (o) => {
    // the ConfigMaps the container takes its variables from (one mounted as files, such as the jobs file, holds no
    // settings)
    const settings = (container(o).envFrom || []).map((from) => from.configMapRef?.name).filter(Boolean);
    const maps = all(o, 'ConfigMap').filter((m) => settings.includes(m.metadata.name));
    if (maps.length === 0) return ['no ConfigMap'];
    const keys = maps.flatMap((m) => Object.keys(m.data || {}));
    return [
      ...keys.filter((k) => SECRET_KEYS.includes(k)).map((k) => `${k} belongs in the Secret`),
      ...keys.filter((k) => !SECRET_KEYS.includes(k) && !CONFIG_KEYS.includes(k)).map((k) => `${k} is no setting`),
      ...(source(o, 'JOBSTREAM_SHUTDOWN_GRACE')?.configMap ? [] : ['JOBSTREAM_SHUTDOWN_GRACE not from the ConfigMap'])];
  },
  'a Service selecting the pods on their http port': (o) => {
    const s = one(o, 'Service');
    if (!s) return ['no Service'];
    const names = (container(o).ports || []).flatMap((p) => [p.name, p.containerPort]);
    return [...(selects(s.spec.selector, podLabels(o)) ? [] : ['selector does not match the pods']),
      ...s.spec.ports.filter((p) => !names.includes(p.targetPort)).map((p) => `targetPort ${p.targetPort} unknown`)];
  },
  'an Ingress safe for SSE (no proxy buffering, read and send timeouts of an hour or more)': (o) => {
    const i = one(o, 'Ingress');
    if (!i) return ['no Ingress'];
    const a = i.metadata.annotations || {};
    const p = [];
    if (a['nginx.ingress.kubernetes.io/proxy-buffering'] !== 'off') p.push('proxy-buffering is not off');
    for (const t of ['proxy-read-timeout', 'proxy-send-timeout']) {
      if (!(Number(a[`nginx.ingress.kubernetes.io/${t}`]) >= ONE_HOUR)) p.push(`${t} below ${ONE_HOUR} s`);
    }
    const service = one(o, 'Service');
    const backends = (i.spec.rules || []).flatMap((r) => r.http.paths.map((x) => x.backend.service));
    if (backends.length === 0) p.push('no backend');
    backends.filter((b) => b.name !== service?.metadata.name
      || !service.spec.ports.some((x) => x.name === b.port.name || x.port === b.port.number))
      .forEach((b) => p.push(`backend ${b.name}:${b.port.name ?? b.port.number} is not the Service`));
    return p;
  },
  'a PodDisruptionBudget of the pods that leaves one replica free to go': (o) => {
    const b = one(o, 'PodDisruptionBudget');
    if (!b) return ['no PodDisruptionBudget'];
    return [...(selects(b.spec.selector?.matchLabels, podLabels(o)) ? [] : ['selector does not match the pods']),
      ...(b.spec.minAvailable < deployment(o).spec.replicas ? [] : ['minAvailable blocks every eviction'])];
  },
  'one autoscaler of the Deployment from 2 replicas: a HorizontalPodAutoscaler or a KEDA ScaledObject, not both': (o) => {
    const name = deployment(o).metadata.name;
    const hpas = all(o, 'HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef?.kind === 'Deployment'
      && h.spec.scaleTargetRef.name === name);
    const scalers = all(o, 'ScaledObject').filter((x) => (x.spec.scaleTargetRef?.kind ?? 'Deployment') === 'Deployment'
      && x.spec.scaleTargetRef?.name === name);
    const others = [...all(o, 'HorizontalPodAutoscaler'), ...all(o, 'ScaledObject')].length - hpas.length - scalers.length;
    const p = [];
    if (hpas.length + scalers.length !== 1) {
      p.push(`${hpas.length} HorizontalPodAutoscalers and ${scalers.length} ScaledObjects scale the Deployment`);
    }
    if (others > 0) p.push(`${others} autoscalers target another object`);
    for (const h of hpas) {
      if (!(h.spec.minReplicas >= 2 && h.spec.maxReplicas >= h.spec.minReplicas)) p.push('HPA replicas out of order');
    }
    for (const x of scalers) {
      if (!(x.spec.minReplicaCount >= 2 && x.spec.maxReplicaCount >= x.spec.minReplicaCount)) {
        p.push('ScaledObject replicas out of order');
      }
    }
    return p;
  },
};

export const overlayRules = {
  'a CloudNativePG Cluster whose -rw service is PGHOST, whose app Secret holds the credentials and whose CA verifies it': (o) => {
    const clusters = o.filter((x) => x.apiVersion === 'postgresql.cnpg.io/v1' && x.kind === 'Cluster');
    if (clusters.length !== 1) return [`${clusters.length} Clusters`];
    const name = clusters[0].metadata.name;
    const p = [];
    if (source(o, 'PGHOST')?.literal !== `${name}-rw`) p.push(`PGHOST is not ${name}-rw`);
    for (const [variable, key] of [['PGUSER', 'username'], ['PGPASSWORD', 'password'], ['PGDATABASE', 'dbname']]) {
      const from = source(o, variable);
      if (from?.secret !== `${name}-app` || from.key !== key) p.push(`${variable} is not ${name}-app/${key}`);
    }
    if (source(o, 'PGSSLMODE')?.literal !== 'verify-full') p.push('PGSSLMODE is not verify-full');
    const ca = source(o, 'PGSSLROOTCERT')?.literal;
    const mount = (container(o).volumeMounts || []).find((m) => ca && ca.startsWith(`${m.mountPath}/`));
    const volume = mount && (podSpec(o).volumes || []).find((v) => v.name === mount.name);
    if (volume?.secret?.secretName !== `${name}-ca`) p.push(`PGSSLROOTCERT is not a file of the Secret ${name}-ca`);
    return p;
  },
};

/** The file a variable names, and the volume it is in: {path, volume} (null: not a file of a mounted volume). */
function mountedFile(objects, name) {
  const path = source(objects, name)?.literal;
  const mount = (container(objects).volumeMounts || []).find((m) => path && path.startsWith(`${m.mountPath}/`));
  const volume = mount && (podSpec(objects).volumes || []).find((v) => v.name === mount.name);
  return volume ? { path, mount, volume } : null;
}

export const filesRules = {
  'the tokens file from a Secret and the jobs file from a ConfigMap, each a directory mounted read-only': (o) => {
    const p = [];
    const tokens = mountedFile(o, 'JOBSTREAM_TOKENS_FILE');
    if (!tokens?.volume.secret) p.push('JOBSTREAM_TOKENS_FILE is not a file of a mounted Secret');
    const jobs = mountedFile(o, 'JOBSTREAM_WORKERS_JOBS_FILE');
    if (!jobs?.volume.configMap) p.push('JOBSTREAM_WORKERS_JOBS_FILE is not a file of a mounted ConfigMap');
    for (const file of [tokens, jobs].filter(Boolean)) {
      if (!file.mount.readOnly) p.push(`${file.mount.mountPath} is not read-only`);
      if (file.mount.subPath) p.push(`${file.mount.mountPath} is mounted by subPath (a change would never reach it)`);
    }
    const map = jobs?.volume.configMap && all(o, 'ConfigMap').find((m) => m.metadata.name === jobs.volume.configMap.name);
    const key = jobs && jobs.path.slice(jobs.mount.mountPath.length + 1);
    if (jobs?.volume.configMap && !(map && key in (map.data || {}))) p.push(`no ConfigMap holds ${key}`);
    else if (map) {
      try {
        JSON.parse(map.data[key]);
      } catch (e) {
        p.push(`${key} is not JSON: ${e.message}`);
      }
    }
    return p;
  },
};

const alerts = (o) => all(o, 'PrometheusRule').flatMap((r) => (r.spec?.groups || []).flatMap((g) => g.rules || []))
  .filter((r) => r.alert);

export const monitoringRules = {
  [`a ServiceMonitor of the Service's pods, on a Service port, at ${METRICS_PATH}`]: (o) => {
    const monitors = all(o, 'ServiceMonitor');
    if (monitors.length !== 1) return [`${monitors.length} ServiceMonitors`];
    const m = monitors[0];
    const service = one(o, 'Service');
    const p = [];
    if (!service || !selects(m.spec.selector?.matchLabels, service.metadata.labels || {})) {
      p.push('its selector does not match the Service');
    }
    for (const e of m.spec.endpoints || []) {
      if (!(service?.spec.ports || []).some((x) => x.name === e.port)) p.push(`port ${e.port} is no Service port name`);
      if (e.path !== METRICS_PATH) p.push(`path ${e.path}, expected ${METRICS_PATH}`);
    }
    if ((m.spec.endpoints || []).length === 0) p.push('no endpoint');
    return p;
  },
  'alerts, each with for, a severity label, a summary and a description': (o) => {
    const list = alerts(o);
    if (list.length === 0) return ['no alert'];
    const names = list.map((r) => r.alert);
    return [
      ...names.filter((n, i) => names.indexOf(n) !== i).map((n) => `${n} is defined twice`),
      ...list.flatMap((r) => [
        ...(r.for ? [] : [`${r.alert} has no for`]),
        ...(SEVERITIES.includes(r.labels?.severity) ? [] : [`${r.alert} has no severity of ${SEVERITIES.join(', ')}`]),
        ...['summary', 'description'].filter((a) => !r.annotations?.[a]).map((a) => `${r.alert} has no ${a}`)])];
  },
  'a Grafana dashboard in a ConfigMap labelled grafana_dashboard: "1", each panel with its queries': (o) => {
    const maps = all(o, 'ConfigMap').filter((m) => m.metadata.labels?.grafana_dashboard === '1');
    if (maps.length !== 1) return [`${maps.length} dashboard ConfigMaps`];
    const files = Object.entries(maps[0].data || {});
    if (files.length !== 1) return [`${files.length} files in the dashboard ConfigMap`];
    let dashboard;
    try {
      dashboard = JSON.parse(files[0][1]);
    } catch (e) {
      return [`${files[0][0]} is not JSON: ${e.message}`];
    }
    const panels = dashboard.panels || [];
    return [
      ...(dashboard.uid && dashboard.title ? [] : ['the dashboard needs a uid and a title']),
      ...(panels.length > 0 ? [] : ['no panel']),
      ...panels.filter((x) => !(x.targets || []).length || x.targets.some((t) => !t.expr))
        .map((x) => `panel ${x.title} has a query without expr`)];
  },
};

export const autoscalingRules = {
  'a KEDA ScaledObject on the queue depth from Prometheus, whose metric a ServiceMonitor brings there': (o) => {
    const x = one(o, 'ScaledObject');
    if (!x) return ['no ScaledObject'];
    const triggers = x.spec.triggers || [];
    const p = [];
    if (!triggers.some((t) => t.type === 'prometheus' && /\bjobstream_runs_queued\b/.test(t.metadata?.query || ''))) {
      p.push('no prometheus trigger on jobstream_runs_queued');
    }
    for (const t of triggers.filter((t) => t.type === 'prometheus')) {
      if (!(Number(t.metadata?.threshold) > 0)) p.push(`threshold ${t.metadata?.threshold} is not a positive number`);
      if (!/^https?:\/\/[^\s/]+/.test(t.metadata?.serverAddress || '')) p.push('serverAddress is not an http(s) URL');
    }
    if (all(o, 'ServiceMonitor').length === 0) p.push('no ServiceMonitor: the queue depth never reaches Prometheus');
    return p;
  },
};
