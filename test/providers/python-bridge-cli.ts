// The Turbulence CLI with every `python` activity served by the bridge alone (no native module map), so that the
// bridge tests and bench/python-bridge.mjs exercise exactly the bridge, whatever the python provider maps natively.
// Python controls that Turbulence implements natively (chaosaddons' safeguards) go through the bridge here too.
// Usage: node --import tsx test/providers/python-bridge-cli.ts <turbulence arguments...>
// TURBULENCE_BRIDGE_NOOP=1 runs every python activity as a no-op instead (no Python at all): the engine's own cost
// per activity, which the benchmark subtracts to show the bridge's share.
import { registerControlModule } from '../../src/engine/control-modules.ts';
import { ChaosError } from '../../src/errors.ts';
import type { PythonProvider } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { getBridge, pythonUnavailable } from '../../src/providers/python/bridge.ts';
import { registerProvider } from '../../src/providers/registry.ts';

const noop = process.env.TURBULENCE_BRIDGE_NOOP === '1';

registerProvider({
  type: 'python',
  async validate(activity, path) {
    if (noop) return [];
    const bridge = getBridge();
    if (!bridge) return [{ message: pythonUnavailable()!, path }];
    const problems = await bridge.validate(activity, path);
    const { module } = activity.provider as PythonProvider;
    return problems ?? [{ message: `could not find Python module '${module}' in activity '${activity.name}'`, path: [...path, 'provider', 'module'] }];
  },
  async run(activity, ctx) {
    if (noop) return null;
    const bridge = getBridge();
    if (!bridge) throw new ChaosError(pythonUnavailable()!);
    return bridge.run(activity, ctx);
  },
});

if (!noop) {
  const bridge = getBridge();
  for (const module of ['chaosaddons.controls.safeguards', 'chaosaddons.controls.synchronization']) {
    const hooks = bridge && (await bridge.loadControl(module));
    if (!hooks) continue;
    registerControlModule(module, {
      ...hooks,
      async validate_control({ control }) {
        const rejected = await bridge.validateControl(module, control as Record<string, unknown>);
        if (rejected) throw new ChaosError(rejected);
      },
    });
  }
}

const { main } = await import('../../src/cli/program.ts');
process.exitCode = await main(process.argv.slice(2));
