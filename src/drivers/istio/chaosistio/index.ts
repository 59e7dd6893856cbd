// chaostoolkit-istio's modules (chaosistio.fault.*), native, with their ledger reverts.
import './fault.ts';
import { registerK8sReverts } from '../../kubernetes/chaosk8s/reverts.ts';
import { alias } from '../../kubernetes/chaosk8s/common.ts';

registerK8sReverts('chaosistio.fault.actions', ['unset_fault', 'remove_delay_fault', 'remove_abort_fault']);
// chaosistio.fault.actions imports the probe: callable under its name there too, not discovered (not in __all__)
alias('chaosistio.fault.actions', 'chaosistio.fault.probes', ['get_virtual_service']);
