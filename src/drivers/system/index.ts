// The system driver, loaded on first use of turbulence.system.
import { defineDriver } from '../define.ts';
import { MODULE, probes } from './probes.ts';

defineDriver(MODULE, probes);
