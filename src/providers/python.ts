// Placeholder for the `python` provider until the python bridge lands: it validates nothing and refuses to run.
// The error is not an ActivityFailed, so a run reaching a python activity aborts instead of recording a failure.
import { ChaosError } from '../errors.ts';
import type { PythonProvider } from '../experiment/types.ts';
import { registerProvider } from './registry.ts';

registerProvider({
  type: 'python',
  async run(activity) {
    const { module, func } = activity.provider as PythonProvider;
    throw new ChaosError(`python providers are not supported yet (module '${module}', func '${func}')`);
  },
});
