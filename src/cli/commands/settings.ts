// `turbulence settings show|get|set|remove`, as `chaos settings`: the file must exist (exit 1 otherwise), keys use
// the reference's syntax (see settings/keys.ts). Differences, on purpose: a one-line message instead of a silent
// exit 1 or a traceback, secrets masked unless --show-secrets, `set` creates missing intermediate keys and takes a
// bare word as a string.
import { existsSync } from 'node:fs';
import { ChaosError } from '../../errors.ts';
import { log, writeStdout } from '../../log.ts';
import { getKey, parseKey, removeKey, setKey } from '../../settings/keys.ts';
import { maskSecrets } from '../../settings/mask.ts';
import { defaultSettingsPaths, loadSettings, saveSettings, settingsPath, toYaml, type Settings } from '../../settings/settings.ts';
import type { GlobalOptions } from '../globals.ts';

type Format = 'yaml' | 'json' | 'string';
interface ReadOptions {
  format: Format;
  showSecrets?: boolean;
}

/** The settings file, which must exist: editing or showing a file that is not there is an error, as in chaos. */
async function existingSettings(g: GlobalOptions): Promise<{ path: string; settings: Settings }> {
  const path = settingsPath(g.settings);
  if (!existsSync(path)) {
    const [own, chaostoolkit] = defaultSettingsPaths();
    throw new ChaosError(
      g.settings ? `no settings file found at ${path}` : `no settings file found at ${own} nor at ${chaostoolkit}`,
    );
  }
  log.debug(`Using settings file '${path}'`);
  return { path, settings: await loadSettings(path) };
}

async function print(value: unknown, format: Format): Promise<void> {
  let text: string;
  if (format === 'json') text = JSON.stringify(value, null, 2) + '\n';
  else if (format === 'yaml') text = await toYaml(value);
  // for scripts: a string as is, anything else as one line of JSON
  else text = (typeof value === 'string' ? value : JSON.stringify(value)) + '\n';
  writeStdout(text);
}

/** A JSON value; a bare word that is not JSON is taken as a string (chaos fails with a traceback). */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (/^\s*[[{"]/.test(text)) throw new ChaosError(`the value is not valid JSON: ${(err as Error).message}`);
    return text;
  }
}

function missingKey(key: string, path: string): ChaosError {
  return new ChaosError(`no settings key '${key}' in ${path}`);
}

export async function settingsShow(g: GlobalOptions, opts: ReadOptions): Promise<number> {
  const { settings } = await existingSettings(g);
  await print(opts.showSecrets ? settings : maskSecrets(settings), opts.format);
  return 0;
}

export async function settingsGet(g: GlobalOptions, key: string, opts: ReadOptions): Promise<number> {
  const { path, settings } = await existingSettings(g);
  const parts = parseKey(key);
  const value = getKey(settings, parts);
  if (value === undefined) throw missingKey(key, path);
  // asking for one scalar is asking for that value; a subtree is browsing, so it is masked
  const browsing = typeof value === 'object' && value !== null;
  await print(browsing && !opts.showSecrets ? maskSecrets(value, parts) : value, opts.format);
  return 0;
}

export async function settingsSet(g: GlobalOptions, key: string, value: string): Promise<number> {
  const { path, settings } = await existingSettings(g);
  setKey(settings, key, parseValue(value));
  await saveSettings(settings, path);
  log.debug(`Set '${key}' in ${path}`);
  return 0;
}

export async function settingsRemove(g: GlobalOptions, key: string): Promise<number> {
  const { path, settings } = await existingSettings(g);
  if (!removeKey(settings, key)) throw missingKey(key, path);
  await saveSettings(settings, path);
  log.debug(`Removed '${key}' from ${path}`);
  return 0;
}
