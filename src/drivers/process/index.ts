// The process driver, loaded on first use of turbulence.process.
import { defineDriver } from '../define.ts';
import { MODULE, actions } from './actions.ts';
import { intents } from './ledger.ts';
import { probes } from './probes.ts';

defineDriver(MODULE, [...actions, ...probes].map((a) => (intents[a.name] ? { ...a, intent: intents[a.name] } : a)));
