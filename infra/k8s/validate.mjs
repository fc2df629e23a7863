// `npm run validate:k8s`: every manifest in infra/k8s against the Kubernetes JSON schemas bundled in PyPI's
// kubernetes-validate (offline; strict: unknown fields are errors), then the production shape itself:
// every Deployment has probes and resources, intake and worker scale horizontally, one projector per group.
// Files that are not Kubernetes resources, or are resources of operators' CRDs, are listed with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';

const KUBERNETES_VERSION = '1.30.0';
const here = fileURLToPath(new URL('.', import.meta.url));
const skipped = new Map([
  ['references/temporal-values.yaml', 'values for the Temporal Helm chart, not a Kubernetes resource'],
]);
const crdKinds = new Map([
  ['postgresql.cnpg.io/v1 Cluster', 'CloudNativePG CRD: its schema ships with the operator, not with Kubernetes'],
  ['monitoring.coreos.com/v1 PrometheusRule', 'Prometheus Operator CRD: its rules are checked below instead'],
  ['monitoring.coreos.com/v1 PodMonitor', 'Prometheus Operator CRD: its schema ships with the operator'],
]);

const files = readdirSync(here, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.yaml'))
  .sort();
const problems = [];
const validate = (paths) =>
  spawnSync('python3', ['-m', 'kubernetes_validate', '--strict', '--quiet', '-k', KUBERNETES_VERSION, ...paths], { cwd: here, encoding: 'utf8' });

// The validator itself must reject a broken manifest, or a passing run proves nothing.
const probe = join(mkdtempSync(join(tmpdir(), 'pinggai-k8s-')), 'broken.yaml');
writeFileSync(probe, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: broken }\nspec: { replicas: "three", selector: {}, template: {} }\n');
const probeRun = validate([probe]);
if (probeRun.error || probeRun.status === 0) {
  console.error(`kubernetes-validate is missing or accepts a broken manifest (install it: python3 -m pip install kubernetes-validate==1.37.0)\n${probeRun.stderr ?? probeRun.error}`);
  process.exit(2);
}

const toValidate = [];
const kinds = [];
for (const file of files) {
  if (skipped.has(file)) {
    console.log(`skip ${file}: ${skipped.get(file)}`);
    continue;
  }
  const text = readFileSync(join(here, file), 'utf8');
  const docs = text.split(/^---$/m);
  for (const doc of docs) {
    const apiVersion = /^apiVersion:\s*(\S+)/m.exec(doc)?.[1];
    const kind = /^kind:\s*(\S+)/m.exec(doc)?.[1];
    const name = /^\s{2}name:\s*(\S+)/m.exec(doc)?.[1];
    if (!kind) continue;
    const crd = crdKinds.get(`${apiVersion} ${kind}`);
    if (crd) console.log(`skip ${file} ${kind}/${name}: ${crd}`);
    kinds.push({ file, kind, name, doc });
  }
  toValidate.push(file);
}
const run = validate(toValidate);
const output = `${run.stdout}${run.stderr}`;
for (const line of output.split('\n').filter(Boolean)) {
  if (/Couldn't find schema for kind (\S+) with api version (\S+)/.test(line)) {
    const [, kind, apiVersion] = /Couldn't find schema for kind (\S+) with api version (\S+)/.exec(line);
    if (!crdKinds.has(`${apiVersion} ${kind}`)) problems.push(`no schema for ${apiVersion} ${kind}: ${line}`);
  } else console.log(line);
}
if (run.status !== 0) problems.push(`kubernetes-validate failed (exit ${run.status})`);

// The production shape (issue: probes, resources, horizontal scaling, a projector per read-model group).
for (const { file, kind, name, doc } of kinds.filter((k) => k.kind === 'Deployment')) {
  for (const needed of ['readinessProbe:', 'livenessProbe:', 'requests:', 'limits:'])
    if (!doc.includes(needed)) problems.push(`${file} ${kind}/${name}: no ${needed.slice(0, -1)}`);
}
const hpaTargets = kinds.filter((k) => k.kind === 'HorizontalPodAutoscaler').map((k) => /kind: Deployment, name: (\S+) }/.exec(k.doc)?.[1]);
for (const deployment of ['pinggai-intake', 'pinggai-worker'])
  if (!hpaTargets.includes(deployment)) problems.push(`${deployment} has no HorizontalPodAutoscaler`);
const groups = kinds.filter((k) => k.kind === 'Deployment' && k.name?.startsWith('pinggai-projector-'));
const groupNames = groups.map((k) => /PINGGAI_PROJECTOR_GROUP, value: (\S+) }/.exec(k.doc)?.[1]);
if (groupNames.length === 0 || new Set(groupNames).size !== groupNames.length || groupNames.includes(undefined))
  problems.push(`projector Deployments must name distinct read-model groups, found ${JSON.stringify(groupNames)}`);

// Alert rules: every expression parses under Prometheus's own PromQL grammar (the one its web UI uses),
// every pinggai_* series it reads is one the services register (infra/telemetry/metrics.ts), and every
// alert says how bad it is and what happened, in Chinese first.
const registered = new Set(
  [...readFileSync(join(here, '..', 'telemetry', 'metrics.ts'), 'utf8').matchAll(/name: '(pinggai_[a-z_]+)'/g)].map((m) => m[1]),
);
const unparsable = (expr) => {
  let broken = false;
  promql.parse(expr).iterate({ enter: (node) => void (node.type.isError && (broken = true)) });
  return broken;
};
// As above: the check must catch a broken expression, or a passing run proves nothing.
if (!unparsable('sum(rate(x[5m])') || unparsable('sum by (a) (rate(x[5m])) > 1'))
  problems.push('the PromQL grammar does not tell a broken expression from a sound one');
for (const { file, doc } of kinds.filter((k) => k.kind === 'PrometheusRule')) {
  for (const group of parseYaml(doc).spec.groups) {
    for (const rule of group.rules) {
      const where = `${file} ${group.name}/${rule.alert ?? rule.record}`;
      if (unparsable(String(rule.expr))) problems.push(`${where}: the expression does not parse as PromQL: ${rule.expr}`);
      for (const [series] of String(rule.expr).matchAll(/\bpinggai_[a-z_]+/g))
        if (!registered.has(series)) problems.push(`${where}: ${series} is not a metric the services export`);
      if (rule.alert && !['critical', 'warning', 'info'].includes(rule.labels?.severity)) problems.push(`${where}: no severity label`);
      if (rule.alert && !/[\u4e00-\u9fff]/.test(rule.annotations?.summary ?? '')) problems.push(`${where}: no Chinese summary`);
    }
  }
}

// Entry points the containers run: said aloud when one is not in the repository yet.
const root = join(here, '..', '..');
for (const { file, name, doc } of kinds) {
  const entry = /command: \[node, --import, tsx, (\S+?)\]/.exec(doc)?.[1];
  if (entry && !existsSync(join(root, entry))) console.log(`warn ${file} ${name}: entry point ${entry} is not in the repository yet`);
}

const resources = kinds.length;
if (problems.length > 0) {
  for (const problem of problems) console.error(`FAIL ${problem}`);
  console.error(`${resources - problems.length} passed, ${problems.length} failed`);
  process.exit(1);
}
console.log(`k8s: ${resources} resources in ${toValidate.length} files valid against Kubernetes ${KUBERNETES_VERSION} (strict) from ${relative(process.cwd(), here) || '.'}`);
