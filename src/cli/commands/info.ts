// `turbulence info core|settings|extensions`, as `chaos info`, with --json for scripts. `settings` prints the
// settings masked (chaos prints the raw file, secrets included).
import { existsSync } from 'node:fs';
// registers the built-in provider types, as `run` does
import '../../providers/index.ts';
import { listProviders } from '../../providers/registry.ts';
import { listNatives } from '../../providers/python/native.ts';
import { findInterpreter, usePythonSettings } from '../../providers/python/interpreter.ts';
import { maskSecrets } from '../../settings/mask.ts';
import { loadSettings, settingsPath, toYaml } from '../../settings/settings.ts';
import { CHAOSLIB_VERSION, VERSION } from '../../version.ts';
import { writeStdout } from '../../log.ts';
import type { GlobalOptions } from '../globals.ts';

type Target = 'core' | 'settings' | 'extensions';

/** A name column at least 20 wide, and always one space wider than its longest name. */
const row = (name: string, value: string, width = 20) => `${name.padEnd(width)}${value}\n`;

function out(text: string): void {
  writeStdout(text);
}

function core(g: GlobalOptions, json: boolean): void {
  const path = settingsPath(g.settings);
  const found = existsSync(path);
  const info = {
    turbulence: VERSION,
    chaoslib: CHAOSLIB_VERSION,
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    settings: { path, found },
  };
  if (json) return out(JSON.stringify(info, null, 2) + '\n');
  out(
    row('NAME', 'VERSION') +
      row('Turbulence', VERSION) +
      row('Core library', `${CHAOSLIB_VERSION} (chaostoolkit-lib semantics)`) +
      row('Node.js', process.versions.node) +
      '\n' +
      row('Platform', `${process.platform} ${process.arch}`) +
      row('Settings', found ? path : `${path} (not found)`),
  );
}

async function settings(g: GlobalOptions, json: boolean): Promise<void> {
  const path = settingsPath(g.settings);
  const found = existsSync(path);
  const masked = found ? maskSecrets(await loadSettings(path)) : null;
  if (json) return out(JSON.stringify({ path, found, settings: masked }, null, 2) + '\n');
  // as chaos: a missing file is reported, not an error
  if (!found) return out(`No settings file found at ${path}\n`);
  out(`# ${path} (secrets masked)\n${await toYaml(masked)}`);
}

/** Provider types, the native modules (python module names Turbulence implements) and the Python bridge's interpreter. */
async function extensions(g: GlobalOptions, json: boolean): Promise<void> {
  const providers = listProviders().map((p) => ({ type: p.type }));
  const natives = await listNatives();
  const modules = [...new Set(natives.map((n) => n.module))].map((module) => ({
    module,
    functions: natives.filter((n) => n.module === module).length,
  }));
  usePythonSettings(await loadSettings(settingsPath(g.settings)));
  const found = findInterpreter();
  const python = 'path' in found ? { interpreter: found.path } : { interpreter: null, missing: found.missing };
  if (json) return out(JSON.stringify({ providers, native: modules, python }, null, 2) + '\n');
  const width = Math.max(20, ...modules.map((m) => m.module.length + 1));
  out(
    'PROVIDER TYPE\n' +
      providers.map((p) => `${p.type}\n`).join('') +
      '\n' +
      row('NATIVE MODULE', 'FUNCTIONS', width) +
      modules.map((m) => row(m.module, String(m.functions), width)).join('') +
      '\n' +
      row('Python bridge', python.interpreter ?? `unavailable: ${'missing' in python ? python.missing : ''}`),
  );
}

export async function infoCommand(g: GlobalOptions, target: Target, opts: { json: boolean }): Promise<number> {
  if (target === 'core') core(g, opts.json);
  else if (target === 'settings') await settings(g, opts.json);
  else await extensions(g, opts.json);
  return 0;
}
