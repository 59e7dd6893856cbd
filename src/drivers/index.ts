// The native drivers, by python module name: each loads when an experiment or `discover` first names it.
import { registerNativeModules } from '../providers/python/native.ts';
import { CHAOSISTIO_MODULES, CHAOSK8S_MODULES } from './kubernetes/modules.ts';

export const DRIVERS: Record<string, string> = { process: 'turbulence.process', file: 'turbulence.file', http: 'turbulence.http', tcp: 'turbulence.tcp', stress: 'turbulence.stress', system: 'turbulence.system', load: 'turbulence.load', proxy: 'turbulence.proxy', kubernetes: 'turbulence.kubernetes' };

registerNativeModules([DRIVERS.process!], () => import('./process/index.ts'));
registerNativeModules([DRIVERS.file!], () => import('./file/index.ts'));
registerNativeModules([DRIVERS.http!], () => import('./http/index.ts'));
registerNativeModules([DRIVERS.tcp!], () => import('./tcp/index.ts'));
registerNativeModules([DRIVERS.stress!], () => import('./stress/index.ts'));
registerNativeModules([DRIVERS.system!], () => import('./system/index.ts'));
registerNativeModules([DRIVERS.load!], () => import('./load/index.ts'));
registerNativeModules([DRIVERS.proxy!], () => import('./proxy/index.ts'));
// chaostoolkit-toxiproxy's modules, native (the same names and arguments as the Python extension)
registerNativeModules(['chaostoxi.proxy.actions', 'chaostoxi.proxy.probes', 'chaostoxi.toxic.actions'], () => import('./proxy/chaostoxi/index.ts'));
// chaostoolkit-kubernetes's and chaostoolkit-istio's modules, native (the same names and arguments as the Python
// extensions); the Kubernetes client package loads only when one of them calls the API
registerNativeModules(CHAOSK8S_MODULES, () => import('./kubernetes/chaosk8s/index.ts'));
registerNativeModules(CHAOSISTIO_MODULES, () => import('./istio/chaosistio/index.ts'));
// Turbulence's own Kubernetes activities (blast-radius selection, --dry targets)
registerNativeModules([DRIVERS.kubernetes!], () => import('./kubernetes/index.ts'));
