// The `python` provider: `module` + `func` run natively when Turbulence implements them (native.ts), else through
// the Python bridge when an interpreter is available, else the run stops, naming what to install (as the
// reference's ImportError aborts it).
import { ChaosError, type Problem } from '../../errors.ts';
import { pythonStr, pythonTruthy } from '../../python/values.ts';
import type { Activity, JsonPath, PythonProvider } from '../../experiment/types.ts';
import { nativeControlModule, setPythonControlLoader } from '../../engine/control-modules.ts';
import { type ControlVerdict, registerControlValidator } from '../../experiment/control-validation.ts';
import { registerProvider, type ProviderContext, type ProviderType } from '../registry.ts';
import { findNative, findNativeNow, isNativeModule, registerNativeModules, runNative, validateNative } from './native.ts';
import { installHint } from './packages.ts';
// the native drivers (turbulence.process, turbulence.file...), registered by name and loaded on first use
import '../../drivers/index.ts';
// the native controls (turbulence.safeguards, and chaosaddons' modules under their Python names)
import '../../controls/index.ts';

registerNativeModules(['os', 'os.path', 'shutil', 'time'], () => import('./stdlib.ts'));

// The bridge (and the child-process machinery behind it) loads only for modules that are not native.
let bridgeModule: typeof import('./bridge.ts') | undefined;
const loadBridge = async () => (bridgeModule ??= await import('./bridge.ts'));

// Python controls load through the same bridge.
setPythonControlLoader(async (module) => (await loadBridge()).loadPythonControl(module));
registerControlValidator('python', validateControl);

/**
 * chaoslib's validate_python_control: a module found nowhere is a warning (the run carries on without it); a module
 * may reject its declaration with its own `validate_control(control)`.
 */
async function validateControl(control: Record<string, unknown>, path: JsonPath): Promise<ControlVerdict> {
  const verdict: ControlVerdict = { problems: [], warnings: [] };
  const module = (control.provider as PythonProvider).module;
  if (typeof module !== 'string' || !module) return verdict;
  const name = pythonStr(control.name);
  let rejected: string | null = null;
  const native = nativeControlModule(module);
  if (native) {
    try {
      await native.validate_control?.({ control });
      rejected = '';
    } catch (err) {
      rejected = (err as Error).message;
    }
  } else {
    const bridge = (await loadBridge()).getBridge();
    rejected = bridge ? await bridge.validateControl(module, control) : null;
  }
  if (rejected === null) {
    verdict.warnings.push({
      message: `Could not find Python module '${module}' in control '${name}'. Did you install the Python module? The experiment will carry on running nonetheless.`,
      path: [...path, 'provider', 'module'],
    });
  } else if (rejected) {
    verdict.problems.push({ message: rejected, path });
  }
  return verdict;
}

async function validate(activity: Activity, path: JsonPath): Promise<Problem[]> {
  const p = activity.provider as PythonProvider;
  const at = [...path, 'provider'];
  if (!pythonTruthy(p.module)) return [{ message: 'a Python activity must have a module path', path: at }];
  if (!pythonTruthy(p.func)) return [{ message: 'a Python activity must have a function name', path: at }];
  const module = pythonStr(p.module);
  const native = await findNative(module, pythonStr(p.func));
  if (native) return validateNative(native, activity, path);

  const { getBridge, pythonUnavailable } = await loadBridge();
  const bridge = getBridge();
  if (bridge) {
    const problems = await bridge.validate(activity, path);
    if (problems) return problems;
    return [{ message: `could not find Python module '${module}' in activity '${activity.name}'`, path: [...at, 'module'] }];
  }
  const [message, where] = isNativeModule(module)
    ? [`Turbulence has no native ${module}.${pythonStr(p.func)} (in activity '${activity.name}')`, 'func']
    : [`could not find Python module '${module}' in activity '${activity.name}' (it is not native to Turbulence)`, 'module'];
  return [{ message: `${message}, and ${pythonUnavailable()}`, path: [...at, where] }];
}

function run(activity: Activity, ctx: ProviderContext): Promise<unknown> {
  // a bridged call once the bridge is loaded goes straight to it: no promise of its own on the way
  if (bridgeModule) {
    try {
      const p = activity.provider as PythonProvider;
      const bridge = bridgeModule.getBridge();
      if (bridge && findNativeNow(pythonStr(p.module), pythonStr(p.func)) === undefined) return bridge.run(activity, ctx);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return runAny(activity, ctx);
}

async function runAny(activity: Activity, ctx: ProviderContext): Promise<unknown> {
  const p = activity.provider as PythonProvider;
  const module = pythonStr(p.module);
  const native = await findNative(module, pythonStr(p.func));
  if (native) return runNative(native, activity, ctx);

  const { getBridge, pythonUnavailable } = await loadBridge();
  const bridge = getBridge();
  if (bridge) return bridge.run(activity, ctx);
  const missing = isNativeModule(module)
    ? `Turbulence has no native ${module}.${pythonStr(p.func)}`
    : `Python module '${module}' is not native to Turbulence (${installHint(module)})`;
  throw new ChaosError(`python activity '${activity.name}' cannot run: ${missing}, and ${pythonUnavailable()}`);
}

// SIGTERM raises InterruptExecution inside a Python function in the reference: the activity fails, the run goes on
export const pythonProvider: ProviderType = { type: 'python', validate, run, terminationFailsActivity: true };

registerProvider(pythonProvider);
