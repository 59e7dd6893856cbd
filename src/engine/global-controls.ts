// Global controls: declared in the settings (`controls: {name: {provider: …}}`) and in --control-file files (a JSON
// or YAML object keyed by name). They are loaded before the experiment so that the loader hooks can apply.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Control } from '../experiment/types.ts';
import { log } from '../log.ts';
import type { Settings } from '../settings/settings.ts';
import { loadControlModule } from './control-modules.ts';

export async function loadGlobalControls(settings: Settings, controlFiles: string[] = []): Promise<Control[]> {
  const controls: Control[] = [];
  const add = async (name: string, decl: unknown, from: string) => {
    if (!decl || typeof decl !== 'object') return log.warning(`Global control '${name}' in ${from} is not a mapping; ignored`);
    const control = { ...(decl as Record<string, unknown>), name } as Control;
    log.debug(`Loading global control '${name}' from ${from}`);
    // an implementation that cannot be found is dropped, as the reference drops an unimportable Python module
    if (control.provider?.type === 'python' && !(await loadControlModule(control))) return;
    controls.push(control);
  };
  for (const [name, decl] of Object.entries(settings.controls ?? {})) await add(name, decl, 'the settings');
  for (const file of controlFiles) {
    const text = await readFile(file, 'utf8');
    if (!text) continue;
    const ext = extname(file).toLowerCase();
    let value: unknown;
    try {
      const { parseDocument } = await import('../document/index.ts');
      value = (await parseDocument(text, file, ext === '.yaml' || ext === '.yml' ? 'yaml' : 'json')).value;
    } catch (err) {
      log.error(`Failed to parse control file '${file}': ${(err as Error).message}`);
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      log.error(`Failed to parse control file '${file}': expected an object keyed by control name`);
      continue;
    }
    for (const [name, decl] of Object.entries(value)) await add(name, decl, file);
  }
  return controls;
}
