// What each stress action would load, for `--dry actions`: the cores and load, the bytes of memory, the disk writers.
import { availableParallelism, tmpdir } from 'node:os';
import { ActivityFailed } from '../../errors.ts';
import type { DriverActivity } from '../define.ts';
import { formatBytes, memoryBudget, parseSize } from './limits.ts';

type TargetsHook = NonNullable<DriverActivity['targets']>;

export const targets: Record<string, TargetsHook> = {
  stress_cpu: (a) => [{ cores: (a.cores as number | null) ?? availableParallelism(), load: a.load as number, duration: a.duration as number }],
  stress_memory: (a) => {
    if ((a.bytes === null) === (a.percent === null)) throw new ActivityFailed('stress_memory needs exactly one of bytes or percent');
    const bytes = a.bytes !== null ? parseSize(a.bytes as number | string) : Math.floor((memoryBudget().total * (a.percent as number)) / 100);
    return [{ memory: bytes, size: formatBytes(bytes), duration: a.duration as number }];
  },
  stress_io: (a) => {
    const bytes = parseSize(a.bytes as number | string);
    return [{ path: (a.path as string | null) ?? tmpdir(), workers: a.workers as number, bytes, size: formatBytes(bytes), duration: a.duration as number }];
  },
};
