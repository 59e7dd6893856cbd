// The tcp probe driver, loaded on first use of turbulence.tcp.
import { defineDriver } from '../define.ts';
import { MODULE, probes } from './probes.ts';

defineDriver(MODULE, probes);
