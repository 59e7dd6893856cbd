// chaostoolkit-toxiproxy's modules (chaostoxi.*), native: loaded on first use of any of them.
import './proxy-actions.ts';
import './proxy-probes.ts';
import './toxic-actions.ts';
