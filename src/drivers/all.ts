// Every activity of every driver DRIVERS lists, loaded: for authoring (init) and the generated JSON Schema.
import { listNatives } from '../providers/python/native.ts';
import { type DefinedActivity, listActivities } from './define.ts';
import { DRIVERS } from './index.ts';

/** The drivers' activities, by module then name (a stable order for generated files). */
export async function loadDriverActivities(): Promise<DefinedActivity[]> {
  // listing the native map loads every registered module, each driver among them
  await listNatives();
  const modules = new Set(Object.values(DRIVERS));
  return listActivities()
    .filter((a) => modules.has(a.module))
    .sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
