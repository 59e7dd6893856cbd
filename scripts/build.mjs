// Bundles the CLI into one CommonJS file, dist/turbulence.cjs. CommonJS because Node starts it faster than ESM (no
// async module graph to link); modules reached through `import()` stay lazy: esbuild evaluates them on first use.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// commander requires node:child_process at load time for executable subcommands, which Turbulence does not use;
// loading it (and net, stream, dgram behind it) costs every command a few milliseconds of start-up.
const noChildProcessForCommander = {
  name: 'no-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes('/node_modules/commander/') ? { path: 'child_process', namespace: 'unused' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'unused' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/turbulence.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: process.env.TURBULENCE_NO_MINIFY ? false : true,
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [noChildProcessForCommander],
  // yaml is a third of the bundle and only YAML files need it: required from node_modules on first use; the
  // Kubernetes client (an ES module, imported for real by src/modules.ts) only when a Kubernetes activity runs
  external: ['yaml', '@kubernetes/client-node'],
  // import() of builtins and yaml becomes require(): code compiled from a V8 code cache cannot run a real import()
  // in Node 20 (user modules go through src/modules.ts instead)
  supported: { 'dynamic-import': false },
  define: { __TURBULENCE_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__turbulenceModuleUrl' },
  banner: { js: "const __turbulenceModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The demo's target systems (`turbulence demo`), runnable with plain node: examples/exchange/service.ts, and the
// replicas and load balancer of examples/replicas/.
const demoSystems = {
  'exchange-service': 'examples/exchange/service.ts',
  'replicas-replica': 'examples/replicas/replica.ts',
  'replicas-balancer': 'examples/replicas/balancer.ts',
};
await Promise.all(
  Object.entries(demoSystems).map(([name, entry]) =>
    build({
      entryPoints: [entry],
      outfile: `dist/examples/${name}.cjs`,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
    }),
  ),
);

// The python bridge's worker ships beside the bundle, where the bundle looks for it (import.meta.url is the bundle's).
copyFileSync('src/providers/python/worker.py', 'dist/worker.py');

// The V8 code cache bin/turbulence.js loads: produced by running one typical command (a validated run of a small
// experiment, in a temporary directory) so that it holds the functions start-up and a run really compile.
const warmDir = mkdtempSync(join(tmpdir(), 'turbulence-build-'));
const warm = spawnSync(
  process.execPath,
  [resolve('bin/turbulence.js'), '--no-log-file', 'run', '--journal-path', join(warmDir, 'journal.json'), resolve('scripts/warm-up-experiment.json')],
  { cwd: warmDir, env: { ...process.env, TURBULENCE_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
);
rmSync(warmDir, { recursive: true, force: true });
if (warm.status !== 0) throw new Error(`code cache warm-up failed: ${warm.stderr}`);
