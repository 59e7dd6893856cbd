import { readFileSync } from 'node:fs';

// The build inlines the version; running from source (tests through tsx) reads package.json.
declare const __TURBULENCE_VERSION__: string | undefined;

export const VERSION: string =
  typeof __TURBULENCE_VERSION__ !== 'undefined'
    ? __TURBULENCE_VERSION__
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The chaoslib release whose semantics this version follows; journals record it as `chaoslib-version`. */
export const CHAOSLIB_VERSION = '1.44.0';
