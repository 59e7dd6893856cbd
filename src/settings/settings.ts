// The settings file (chaoslib/settings.py): auths, controls, notifications and runtime strategies, in YAML.
// Turbulence reads ~/.turbulence/settings.yaml and falls back to the Chaos Toolkit's file, so existing users
// need nothing new.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { ChaosError, formatProblem } from '../errors.ts';
import { log } from '../log.ts';

export type Settings = Record<string, unknown> & {
  auths?: Record<string, { type?: string; value?: string }>;
  controls?: Record<string, unknown>;
  notifications?: unknown[];
  runtime?: { hypothesis?: { strategy?: string }; rollbacks?: { strategy?: string } };
};

/** The default locations, in the order they are looked for. */
export function defaultSettingsPaths(): [own: string, chaostoolkit: string] {
  const home = homedir();
  return [join(home, '.turbulence', 'settings.yaml'), join(home, '.chaostoolkit', 'settings.yaml')];
}

/**
 * --settings PATH if given (resolved against the working directory, i.e. after --change-dir); else
 * ~/.turbulence/settings.yaml, falling back to ~/.chaostoolkit/settings.yaml when the former is absent.
 * When neither exists, the Turbulence path (where a new file belongs).
 */
export function settingsPath(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const [own, chaostoolkit] = defaultSettingsPaths();
  return !existsSync(own) && existsSync(chaostoolkit) ? chaostoolkit : own;
}

/** Missing file → {} (like the reference); malformed → ChaosError with file:line:col; unsafe YAML tags rejected. */
export async function loadSettings(path: string): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ChaosError(`cannot read the settings file ${path}: ${(err as Error).message}`);
  }
  const { parseDocument } = await import('../document/index.ts');
  const doc = await parseDocument(text, path, extname(path).toLowerCase() === '.json' ? 'json' : 'yaml');
  // e.g. duplicate keys: the last one wins, as in the reference, but it is worth knowing
  for (const w of doc.warnings) log.warning(formatProblem(w));
  const value = doc.value;
  // an empty file holds no settings, as yaml.safe_load gives None
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ChaosError(`${path}:1:1: the settings must be a mapping, not ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`);
  }
  return value as Settings;
}

/** Writes SETTINGS as YAML, creating the directory; replaces the file atomically and keeps it private (0600). */
export async function saveSettings(settings: Settings, path: string): Promise<void> {
  const text = await toYaml(settings);
  await mkdir(dirname(path), { recursive: true });
  const mode = await stat(path).then(
    (s) => s.mode & 0o777,
    () => 0o600,
  );
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/**
 * YAML laid out as the reference's yaml.dump: block style, sorted keys, list items not indented under their key.
 * Written for YAML 1.1 so that strings such as "yes", "on" or "0777" are quoted and read back as strings by PyYAML.
 */
export async function toYaml(value: unknown): Promise<string> {
  // `.default`: with code splitting esbuild exposes a CommonJS module's exports only there (Node gives both)
  const { stringify } = (await import('yaml')).default;
  return stringify(value, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false });
}
