// The file driver, loaded on first use of turbulence.file.
import { defineDriver } from '../define.ts';
import { MODULE, actions } from './actions.ts';
import { probes } from './probes.ts';

defineDriver(MODULE, [...actions, ...probes]);
