// `turbulence discover` for the chaosk8s modules against `chaos discover chaostoolkit-kubernetes`: every function
// both list has the same arguments (names, defaults, portable types) and return type, and neither lists one the other
// does not; then every function a chaosk8s / chaosistio module holds (what chaoslib can call) has a native one.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, it } from 'node:test';
import { CHAOSISTIO_MODULES, CHAOSK8S_MODULES } from '../../../src/drivers/kubernetes/modules.ts';
import '../../../src/drivers/index.ts';
import { listNatives } from '../../../src/providers/python/native.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-k8s-discover-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

it('chaosk8s discovery: arguments, defaults, types and return types as the reference reports them', async () => {
  const env = { ...process.env, HOME: tmp };
  await Promise.all([
    run(join(ROOT, '.peers/venv/bin/chaos'), ['--no-version-check', '--no-log-file', 'discover', '--no-install', '--discovery-path', join(tmp, 'ref.json'), 'chaostoolkit-kubernetes'], { env, cwd: tmp }),
    run(process.execPath, [join(ROOT, 'bin/turbulence.js'), 'discover', '--discovery-path', join(tmp, 'nat.json'), ...CHAOSK8S_MODULES], { env, cwd: tmp }),
  ]);
  const byName = (file: string) => new Map<string, any>(JSON.parse(readFileSync(join(tmp, file), 'utf8')).activities.map((a: any) => [`${a.mod}.${a.name}`, a]));
  const ref = byName('ref.json');
  const nat = byName('nat.json');
  const common = [...ref.keys()].filter((k) => nat.has(k));
  assert.deepEqual([...ref.keys()].filter((k) => !nat.has(k)), [], 'missing');
  assert.deepEqual([...nat.keys()].filter((k) => !ref.has(k)), [], 'not discovered by the reference');
  assert.ok(common.length >= 100, `${common.length} functions in common`);
  for (const k of common) {
    assert.deepEqual(nat.get(k).arguments, ref.get(k).arguments, k);
    assert.equal(nat.get(k).return_type, ref.get(k).return_type, k);
  }
});

// Every public function of every chaosk8s / chaosistio module, as Python sees it (its own and those it imports from the
// extension: chaoslib calls any attribute), but the extension's plumbing, which no experiment calls.
const PLUMBING = /^(create_k8s_api_client|discover|get_config_path|has_local_config_file|load_exported_activities|add_common_spec|get_plural|load_body)$/;
const LIST_FUNCTIONS = `
import importlib, inspect, json, pkgutil
out = []
for top in ("chaosk8s", "chaosistio"):
    pkg = importlib.import_module(top)
    for name in [top] + [m.name for m in pkgutil.walk_packages(pkg.__path__, top + ".")]:
        mod = importlib.import_module(name)
        for f, fn in inspect.getmembers(mod, inspect.isfunction):
            if not f.startswith("_") and fn.__module__.split(".")[0] in ("chaosk8s", "chaosistio"):
                out.append(name + "." + f)
print(json.dumps(out))
`;

it('every function a chaosk8s or chaosistio module holds is native, under the same module and name', async () => {
  const { stdout } = await run(join(ROOT, '.peers/venv/bin/python'), ['-c', LIST_FUNCTIONS]);
  const python = (JSON.parse(stdout) as string[]).filter((k) => !PLUMBING.test(k.split('.').at(-1)!));
  const native = new Set((await listNatives()).map((n) => `${n.module}.${n.func}`));
  assert.deepEqual(python.filter((k) => !native.has(k)), []);
  assert.ok(python.includes('chaosk8s.probes.read_microservices_logs') && python.includes('chaosk8s.chaosmesh.stress.actions.stress_memory'));
  // and the native modules are exactly the reference's
  const modules = new Set(python.map((k) => k.split('.').slice(0, -1).join('.')));
  assert.deepEqual([...CHAOSK8S_MODULES, ...CHAOSISTIO_MODULES].filter((m) => !modules.has(m)), []);
});
