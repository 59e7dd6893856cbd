// The stress driver, loaded on first use of turbulence.stress.
import { defineDriver } from '../define.ts';
import { MODULE, actions } from './actions.ts';
import { intents } from './ledger.ts';
import { withTargets } from '../targets.ts';
import { targets } from './targets.ts';

defineDriver(MODULE, withTargets(actions.map((a) => (intents[a.name] ? { ...a, intent: intents[a.name] } : a)), targets));
