// `turbulence discover [DRIVER...]`: the reference's discovery document (chaoslib's initialize_discovery_result and
// discover_activities) for the native drivers and the standard-library functions of the native map.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
// registers the native map (standard library and drivers), as `run` does
import '../../providers/index.ts';
import { DRIVERS } from '../../drivers/index.ts';
import { findActivity } from '../../drivers/define.ts';
import { ChaosError } from '../../errors.ts';
import { listNatives } from '../../providers/python/native.ts';
import { log, writeStdout } from '../../log.ts';
import { CHAOSLIB_VERSION, VERSION } from '../../version.ts';
import type { GlobalOptions } from '../globals.ts';

interface Options {
  discoveryPath: string;
  json: boolean;
  systemInfo: boolean;
  /** an installed Python extension (distribution name) whose discover() runs through the Python bridge */
  python?: string;
}

interface DiscoveredActivity {
  type: 'action' | 'probe';
  name: string;
  mod: string;
  doc: string;
  arguments: { name: string; default?: unknown; type?: string }[];
  return_type?: string;
}

/** The python modules a DRIVER argument names: a driver's short name (process, file) or a module name (os.path). */
function modulesOf(driver: string, known: Set<string>): string[] {
  if (Object.hasOwn(DRIVERS, driver)) return [DRIVERS[driver]!];
  if (known.has(driver)) return [driver];
  throw new ChaosError(`unknown driver '${driver}' (known: ${[...Object.keys(DRIVERS), ...known].join(', ')})`);
}

export async function discover(drivers: string[], systemInfo: boolean): Promise<Record<string, unknown>> {
  const natives = await listNatives();
  const known = new Set(natives.map((n) => n.module));
  const wanted = drivers.length ? new Set(drivers.flatMap((d) => modulesOf(d, known))) : known;
  const activities: DiscoveredActivity[] = [];
  for (const n of natives) {
    // a function without a signature cannot be called from a python provider (chaoslib lists Python functions only)
    if (!wanted.has(n.module) || n.parameters === null) continue;
    const def = findActivity(n.module, n.func);
    if (def?.listed === false) continue;
    const activity: DiscoveredActivity = {
      // chaoslib lists an extension's `.probes` modules as probes and everything else as actions
      type: def?.kind ?? (n.module.endsWith('.probes') ? 'probe' : 'action'),
      name: n.func,
      mod: n.module,
      doc: n.doc,
      // as discover_activities: keyword-only and **kwargs parameters are not listed
      arguments: n.parameters
        .filter((p) => p.kind === undefined)
        .map((p) => ({
          name: p.name,
          ...(p.required ? {} : { default: p.default ?? null }),
          ...(p.type ? { type: p.type } : {}),
        })),
    };
    if (def?.returns) activity.return_type = def.returns;
    activities.push(activity);
  }
  // as the reference's extensions list them: per module, actions then probes, each by name
  activities.sort((a, b) => a.mod.localeCompare(b.mod) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  return {
    chaoslib_version: CHAOSLIB_VERSION,
    id: randomUUID(),
    target: drivers.length ? [...wanted].join(',') : 'turbulence',
    date: new Date().toISOString().replace('Z', '+00:00'),
    platform: {
      system: os.type(),
      node: os.hostname(),
      release: os.release(),
      version: os.version(),
      machine: os.machine(),
      proc: '',
      // the reference's key; Turbulence runs no Python for native drivers
      python: null,
    },
    extension: { name: 'turbulence', version: VERSION },
    activities,
    system: systemInfo
      ? { hostname: os.hostname(), cpus: os.cpus().length, memory: os.totalmem(), loadavg: os.loadavg(), node: process.versions.node }
      : null,
  };
}

/** An installed Python extension's own discover(), through the Python bridge (never pip-installs anything). */
async function discoverPython(g: GlobalOptions, distribution: string, systemInfo: boolean): Promise<Record<string, unknown>> {
  const { loadSettings, settingsPath } = await import('../../settings/settings.ts');
  const { usePythonSettings } = await import('../../providers/python/interpreter.ts');
  usePythonSettings(await loadSettings(settingsPath(g.settings)));
  const { getBridge, pythonUnavailable, stopBridges } = await import('../../providers/python/bridge.ts');
  const bridge = getBridge();
  if (!bridge) throw new ChaosError(`cannot discover '${distribution}': ${pythonUnavailable()}`);
  try {
    return await bridge.discover(distribution, { discoverSystem: systemInfo });
  } finally {
    await stopBridges();
  }
}

export async function discoverCommand(g: GlobalOptions, drivers: string[], opts: Options): Promise<number> {
  if (opts.python && drivers.length) throw new ChaosError('give either DRIVER names or --python PACKAGE, not both');
  const discovery = opts.python ? await discoverPython(g, opts.python, opts.systemInfo) : await discover(drivers, opts.systemInfo);
  const text = JSON.stringify(discovery, null, 2);
  if (opts.json) {
    writeStdout(text + '\n');
    return 0;
  }
  try {
    writeFileSync(opts.discoveryPath, text);
  } catch (err) {
    throw new ChaosError(`cannot write the discovery to ${opts.discoveryPath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message}`);
  }
  log.info(`Discovery outcome saved in ${opts.discoveryPath}`);
  return 0;
}
