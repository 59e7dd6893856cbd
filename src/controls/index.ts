// Turbulence-native controls, registered under their own names and under the Python module names experiments
// written for the Chaos Toolkit use, so those run unchanged without Python. Their code loads on first use.
import { type ControlModule, type ControlRun, registerControlModule } from '../engine/control-modules.ts';
import type { Configuration, Experiment, Secrets } from '../experiment/types.ts';
import type { Guardian } from './safeguards/guardian.ts';

// one guardian per run (chaosaddons keeps one per process), keyed by the run's controls
const guardians = new WeakMap<object, Guardian>();

async function guardianOf(run: ControlRun | undefined): Promise<Guardian | undefined> {
  if (!run) return undefined;
  let g = guardians.get(run.controls);
  if (!g) {
    const { Guardian } = await import('./safeguards/guardian.ts');
    g = new Guardian(run);
    guardians.set(run.controls, g);
  }
  return g;
}

const safeguards: ControlModule = {
  async validate_control(args) {
    const { validateSafeguards } = await import('./safeguards/validate.ts');
    await validateSafeguards(args.control as Record<string, unknown>);
  },
  async configure_control(_args, run) {
    // a fresh guardian for each run that configures it
    if (run) guardians.delete(run.controls);
    await guardianOf(run);
  },
  async before_experiment_control(args, run) {
    const probes = Array.isArray(args.probes) ? args.probes : [];
    const env = args as { experiment?: Experiment; configuration: Configuration; secrets: Secrets };
    await (await guardianOf(run))?.start(probes, { experiment: env.experiment, configuration: env.configuration ?? {}, secrets: env.secrets ?? {} });
  },
  async after_experiment_control(_args, run) {
    await guardians.get(run?.controls as object)?.terminate();
  },
  // the run may end without its after-experiment hooks (a crash): its safeguards stop with it all the same
  async cleanup_control(_args, run) {
    await guardians.get(run?.controls as object)?.terminate();
  },
};

// chaosaddons' experiment_finished flag: once set, safeguards no longer interrupt
const synchronization: ControlModule = {
  after_experiment_control(_args, run) {
    const g = run && guardians.get(run.controls);
    if (g) g.finished = true;
  },
};

registerControlModule('turbulence.safeguards', safeguards);
registerControlModule('chaosaddons.controls.safeguards', safeguards);
registerControlModule('chaosaddons.controls.synchronization', synchronization);
