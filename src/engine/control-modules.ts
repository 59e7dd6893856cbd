// Where control implementations come from. A control declares a provider:
//  - `{type: "python", module: "pkg.mod"}`: a Turbulence-native implementation registered under that Python module
//    name (so experiments written for the Chaos Toolkit run unchanged), else the Python module itself through the
//    python bridge; a module found in neither is "not installed", which the reference tolerates with a warning and
//    so do we.
//  - `{type: "javascript", module: "./controls/audit.mjs" | "some-package"}`: a JavaScript module exporting the hook
//    functions under the reference's names (before_activity_control, ...). Relative paths resolve against the
//    working directory, as the reference resolves Python modules.
// Hooks receive one object: {context, state, experiment, configuration, secrets, extensions, settings, ...arguments},
// and a second argument that only native controls use: the run they control (ControlRun).
import type { Control } from '../experiment/types.ts';
import { log } from '../log.ts';
import { importUserModule } from '../modules.ts';
import type { Controls } from './controls.ts';
import type { Interruption } from './interruption.ts';

export type ControlHook = (args: Record<string, unknown>, run?: ControlRun) => unknown;

/** What a Turbulence-native control needs of the run beyond the reference's arguments (e.g. to interrupt it). */
export interface ControlRun {
  controls: Controls;
  /** absent outside a run */
  interruption?: Interruption;
}
export type ControlModule = Partial<Record<string, ControlHook>>;

const native = new Map<string, ControlModule>();
const loaded = new Map<string, Promise<ControlModule | null>>();
let pythonLoader: ((module: string) => Promise<ControlModule | null>) | null = null;

/** The python provider plugs its bridge in here, so that Python control modules load through it. */
export function setPythonControlLoader(load: (module: string) => Promise<ControlModule | null>): void {
  pythonLoader = load;
}

/** Native drivers register their chaostoolkit-compatible control modules here. */
export function registerControlModule(pythonModule: string, impl: ControlModule): void {
  native.set(pythonModule, impl);
}

/** The Turbulence-native implementation registered under a Python module name, if any. */
export function nativeControlModule(pythonModule: string): ControlModule | undefined {
  return native.get(pythonModule);
}

/** Loads the module implementing a control, or null when it cannot be found (callers decide how loud to be). */
export function loadControlModule(control: Control): Promise<ControlModule | null> {
  const provider = control.provider;
  const type = provider?.type;
  const module = typeof provider?.module === 'string' ? provider.module : '';
  const key = `${type}:${module}`;
  let p = loaded.get(key);
  if (!p) {
    p = importControl(type, module);
    loaded.set(key, p);
  }
  return p;
}

async function importControl(type: string | undefined, module: string): Promise<ControlModule | null> {
  if (!module) return null;
  if (type === 'python') {
    const impl = native.get(module);
    if (impl) return impl;
    const bridged = pythonLoader ? await pythonLoader(module) : null;
    if (!bridged) log.debug(`Control module '${module}' could not be loaded. Have you installed it?`);
    return bridged;
  }
  if (type === 'javascript') {
    try {
      return (await importUserModule(module)) as ControlModule;
    } catch (err) {
      log.warning(`Control module '${module}' could not be loaded: ${(err as Error).message}`);
      return null;
    }
  }
  return null;
}
