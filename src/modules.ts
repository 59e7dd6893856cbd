// Importing user-supplied JavaScript modules (controls, notification plugins): a relative or absolute path resolves
// against the working directory, as the reference resolves Python modules; anything else is a package name.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /\.(m?js|cjs)$/.test(spec);
}

// bin/turbulence.js hands us a real import(): the bundle's own code comes from a V8 code cache, where Node 20 cannot
// run import() (so the build turns the bundle's import() calls into require(), which cannot load ES modules).
const dynamicImport: (specifier: string) => Promise<unknown> =
  (globalThis as { __turbulenceImport?: (s: string) => Promise<unknown> }).__turbulenceImport ?? ((s) => import(s));

export async function importUserModule(spec: string): Promise<Record<string, unknown>> {
  const target = looksLikePath(spec) ? pathToFileURL(resolve(spec)).href : spec;
  return (await dynamicImport(target)) as Record<string, unknown>;
}
