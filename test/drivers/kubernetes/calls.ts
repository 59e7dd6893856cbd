// The same list of chaosk8s / chaosistio calls made by the reference (the real Python functions, through
// reference-calls.py in the reference's venv) and natively (the python provider, as `turbulence run` makes them),
// with results or failure messages in the same shape, for the real-cluster tests to compare.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Activity } from '../../../src/experiment/types.ts';
import '../../../src/providers/index.ts';
import { getProvider } from '../../../src/providers/registry.ts';

export interface Call {
  module: string;
  func: string;
  arguments?: Record<string, unknown>;
}
export type Result = { ok: unknown } | { error: string };

const PYTHON = fileURLToPath(new URL('../../../.peers/venv/bin/python', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./reference-calls.py', import.meta.url));

/** The calls made by the reference, one after the other, in one Python process. */
export function referenceCalls(calls: Call[], env: NodeJS.ProcessEnv): Promise<Result[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, [SCRIPT], { env, maxBuffer: 64 << 20, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`reference-calls.py: ${stderr.trim() || err.message}`));
      resolve(JSON.parse(stdout));
    });
    child.stdin!.end(JSON.stringify(calls));
  });
}

const provider = getProvider('python')!;

/** One call made natively: the result, or the ActivityFailed message the journal would hold. */
export async function nativeCall(call: Call, secrets?: Record<string, unknown>): Promise<Result> {
  const activity = {
    type: 'action',
    name: call.func,
    provider: { type: 'python', module: call.module, func: call.func, arguments: call.arguments ?? {}, ...(secrets ? { secrets: ['k8s'] } : {}) },
  } as Activity;
  try {
    return { ok: await provider.run(activity, { configuration: {}, secrets: secrets ? { k8s: secrets } : {} }) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export async function nativeCalls(calls: Call[]): Promise<Result[]> {
  const out: Result[] = [];
  for (const c of calls) out.push(await nativeCall(c));
  return out;
}
