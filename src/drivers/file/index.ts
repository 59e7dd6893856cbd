// The file driver, loaded on first use of turbulence.file.
import { defineDriver } from '../define.ts';
import { MODULE, actions } from './actions.ts';
import { fillActions } from './fill.ts';
import { intents } from './ledger.ts';
import { probes } from './probes.ts';
import { withTargets } from '../targets.ts';
import { targets } from './targets.ts';

defineDriver(MODULE, withTargets([...actions, ...fillActions, ...probes].map((a) => (intents[a.name] ? { ...a, intent: intents[a.name] } : a)), targets));
