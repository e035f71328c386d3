import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadStandaloneConfig } from '../src/config.js';

const DIR = fileURLToPath(new URL('../../../deploy/kubernetes/', import.meta.url));
const MODELS = { ConfigMap, Secret, Service, Deployment, Job, PodDisruptionBudget, Ingress };

interface Manifest {
  apiVersion: string;
  kind: keyof typeof MODELS;
  metadata: { name: string };
  // biome-ignore lint/suspicious/noExplicitAny: a Kubernetes object, checked by its model below.
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(`${DIR}${file}`, 'utf8')).map((doc) => doc.toJS() as Manifest),
);
const find = (kind: Manifest['kind'], name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

describe('deploy/kubernetes', () => {
  it.each(manifests.map((m) => [`${m.kind} ${m.metadata.name}`, m] as const))(
    '%s is valid against the Kubernetes schema of its kind',
    (_name, manifest) => {
      const Model = MODELS[manifest.kind];
      expect(Model, `no model for ${manifest.kind}`).toBeDefined();
      expect(manifest.apiVersion).toBe(Model.apiVersion);
      expect(() => new Model(manifest as never).validate()).not.toThrow();
    },
  );

  it('lists every server manifest in the kustomization, and the secret and the migration Job apart', () => {
    const { resources } = parse(readFileSync(`${DIR}kustomization.yaml`, 'utf8')) as { resources: string[] };
    expect([...resources, 'secret.yaml', 'migrate-job.yaml'].sort()).toEqual([...files].sort());
  });

  it.each(['auth', 'mcp'])(
    'runs %s on two replicas with /healthz probes, resources, a Service and a PDB',
    (service) => {
      const deployment = find('Deployment', `enclavia-${service}`);
      const labels = deployment.spec.selector.matchLabels;
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.template.metadata.labels).toMatchObject(labels);
      const [container] = deployment.spec.template.spec.containers;
      expect(container.args).toEqual([service]);
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        expect(probe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      }
      expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.envFrom).toContainEqual({ secretRef: { name: 'enclavia' } });
      expect(find('Service', `enclavia-${service}`).spec.selector).toEqual(labels);
      const budget = find('PodDisruptionBudget', `enclavia-${service}`);
      expect(budget.spec.selector.matchLabels).toEqual(labels);
      expect(budget.spec.minAvailable).toBe(1);
    },
  );

  it('migrates with a Job reading DATABASE_URL from the Secret', () => {
    const job = find('Job', 'enclavia-migrate');
    const [container] = job.spec.template.spec.containers;
    expect(container.args).toEqual(['migrate']);
    expect(container.env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'enclavia', key: 'DATABASE_URL' } },
    });
    expect(find('Secret', 'enclavia').stringData).toHaveProperty('DATABASE_URL');
  });

  it('serves one origin: the issuer at https://host, the MCP server at https://host/mcp', () => {
    const config = find('ConfigMap', 'enclavia').data!;
    const settings = loadStandaloneConfig({ ...config, METRICS_TOKEN: 'a'.repeat(32) });
    const host = new URL(settings.auth.issuer).host;
    expect(settings.auth.issuer).toBe(`https://${host}`);
    expect(settings.mcp.resource).toBe(`https://${host}/mcp`);

    const rule = find('Ingress', 'enclavia').spec.rules[0];
    expect(rule.host).toBe(host);
    const backendOf = (path: string) =>
      rule.http.paths
        .filter((p: { path: string }) => path.startsWith(p.path))
        .sort((a: { path: string }, b: { path: string }) => b.path.length - a.path.length)[0].backend.service
        .name;
    expect(backendOf('/mcp')).toBe('enclavia-mcp');
    expect(backendOf('/.well-known/oauth-protected-resource/mcp')).toBe('enclavia-mcp');
    for (const path of [
      '/authorize',
      '/token',
      '/register',
      '/.well-known/oauth-authorization-server',
      '/jwks',
    ]) {
      expect(backendOf(path)).toBe('enclavia-auth');
    }
  });
});
