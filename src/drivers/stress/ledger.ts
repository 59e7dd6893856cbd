// The stress faults under the fault ledger: each stressor carries a tag chosen before it starts, so the revert finds
// it and the stress-ng workers it drives (they inherit the tag) even after the runner crashed.
import { changed, registerReverts, unchanged } from '../../ledger/reverts.ts';
import { newTag, stopTagged } from '../../ledger/tagged.ts';
import type { DriverActivity } from '../define.ts';
import { MODULE } from './actions.ts';

type IntentFn = NonNullable<DriverActivity['intent']>;

const tagged: IntentFn = () => {
  const tag = newTag();
  return { revert: { module: MODULE, func: 'stop_tagged', arguments: { tag } }, plan: { tag } };
};

export const intents: Record<string, IntentFn> = { stress_cpu: tagged, stress_memory: tagged, stress_io: tagged };

registerReverts(MODULE, {
  stop_tagged: async (a) => {
    const n = await stopTagged(a.tag as string);
    return n ? changed(`stopped ${n} stressor process(es)`) : unchanged('no stressor of this fault runs');
  },
});
