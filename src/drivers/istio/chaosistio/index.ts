// chaostoolkit-istio's modules (chaosistio.fault.*), native, with their ledger reverts.
import './fault.ts';
import { registerK8sReverts } from '../../kubernetes/chaosk8s/reverts.ts';

registerK8sReverts('chaosistio.fault.actions', ['unset_fault', 'remove_delay_fault', 'remove_abort_fault']);
