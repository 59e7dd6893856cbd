// The http probe driver, loaded on first use of turbulence.http.
import { defineDriver } from '../define.ts';
import { probes } from './probes.ts';
import { MODULE } from './request.ts';

defineDriver(MODULE, probes);
