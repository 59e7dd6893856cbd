// The load driver, loaded on first use of turbulence.load.
import { defineDriver } from '../define.ts';
import { MODULE, actions } from './actions.ts';

defineDriver(MODULE, actions);
