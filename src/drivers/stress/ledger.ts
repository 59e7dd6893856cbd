// The stress faults under the fault ledger: each stressor carries a tag chosen before it starts, so the revert finds
// it and the stress-ng workers it drives (they inherit the tag) even after the runner crashed. stress_io's scratch
// directory is named before it is created, so the revert also removes it when the stressor could not (SIGKILLed).
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { changed, registerReverts, unchanged } from '../../ledger/reverts.ts';
import { newTag, stopTagged } from '../../ledger/tagged.ts';
import type { DriverActivity } from '../define.ts';
import { IO_DIR_PREFIX, MODULE } from './actions.ts';

type IntentFn = NonNullable<DriverActivity['intent']>;

const tagged: IntentFn = () => {
  const tag = newTag();
  return { revert: { module: MODULE, func: 'stop_tagged', arguments: { tag } }, plan: { tag } };
};

const scratch: IntentFn = (a) => {
  const tag = newTag();
  const dir = join(resolve((a.path as string | null) ?? tmpdir()), `${IO_DIR_PREFIX}${randomBytes(6).toString('hex')}`);
  return { revert: { module: MODULE, func: 'stop_tagged', arguments: { tag, dir } }, plan: { tag, dir } };
};

export const intents: Record<string, IntentFn> = { stress_cpu: tagged, stress_memory: tagged, stress_io: scratch };

registerReverts(MODULE, {
  /** Stops the tagged stressor processes, then removes the scratch directory if one was recorded and is left. */
  stop_tagged: async (a) => {
    const n = await stopTagged(a.tag as string);
    const dir = a.dir as string | undefined;
    // only a directory of ours: the name the intent gave it
    const left = typeof dir === 'string' && basename(dir).startsWith(IO_DIR_PREFIX) && existsSync(dir);
    if (left) rmSync(dir, { recursive: true, force: true });
    const done = [n ? `stopped ${n} stressor process(es)` : '', left ? `removed the scratch directory ${dir}` : ''].filter(Boolean);
    return done.length ? changed(done.join('; ')) : unchanged('no stressor of this fault runs');
  },
});
