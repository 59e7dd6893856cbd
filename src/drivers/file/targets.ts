// What each file action would hit, for `--dry actions`: the paths, made absolute as the run resolves them.
import { resolve } from 'node:path';
import type { DriverActivity } from '../define.ts';

type TargetsHook = NonNullable<DriverActivity['targets']>;

const onePath: TargetsHook = (a) => [{ path: resolve(a.path as string) }];

export const targets: Record<string, TargetsHook> = {
  move_file: (a) => [{ path: resolve(a.src as string), to: resolve(a.dst as string) }],
  delete_file: onePath,
  truncate_file: onePath,
  corrupt_file: (a) => [{ path: resolve(a.path as string), offset: a.offset as number, bytes: a.bytes as number }],
  change_permissions: (a) => [{ path: resolve(a.path as string), mode: a.mode as string | number }],
  restore_file: onePath,
  fill_filesystem: (a) => [{ path: resolve(a.path as string), size: a.size as number | null, percent: a.percent as number | null }],
};
