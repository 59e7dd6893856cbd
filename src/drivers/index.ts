// The native drivers, by python module name: each loads when an experiment or `discover` first names it.
import { registerNativeModules } from '../providers/python/native.ts';

export const DRIVERS: Record<string, string> = { process: 'turbulence.process', file: 'turbulence.file' };

registerNativeModules([DRIVERS.process!], () => import('./process/index.ts'));
registerNativeModules([DRIVERS.file!], () => import('./file/index.ts'));
