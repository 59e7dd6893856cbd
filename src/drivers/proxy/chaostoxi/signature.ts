// The Python signatures of chaostoxi's functions, as the native map needs them: names, defaults and annotations.
import type { NativeParameter } from '../../../providers/python/native.ts';

export const param = (name: string, type?: string): NativeParameter => ({ name, required: true, ...(type ? { type } : {}) });
export const opt = (name: string, value: unknown, type?: string): NativeParameter => ({ name, required: false, default: value, ...(type ? { type } : {}) });
/** `configuration: Configuration = None`, last in every function */
export const configuration: NativeParameter = opt('configuration', null, 'mapping');

/** What a chaostoxi function receives: the bound arguments and the copy of the configuration chaoslib passes. */
export function configOf(args: Record<string, unknown>): Record<string, unknown> {
  const c = args.configuration;
  return c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : {};
}
