// The built CLI for a child running as another user (nobody): the checkout may sit in a directory only its owner
// can enter (a clone in a mkdtemp directory), so bin/, dist/ and package.json are copied once to a world-readable
// place. Enough for commands on JSON experiments (yaml, the only external the bundle loads, is not copied).
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let copy: string | null = null;

/** Path of bin/turbulence.js in a copy any user can read and run. */
export function anyUserCli(): string {
  if (!copy) {
    const dir = mkdtempSync(join(tmpdir(), 'turbulence-cli-'));
    chmodSync(dir, 0o755);
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    copy = dir;
  }
  return join(copy, 'bin/turbulence.js');
}
