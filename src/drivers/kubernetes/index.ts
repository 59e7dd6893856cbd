// turbulence.kubernetes: loaded on first use, with the revert of its scale undo.
import './native.ts';
import { registerK8sReverts } from './chaosk8s/reverts.ts';

registerK8sReverts('turbulence.kubernetes', ['scale_deployment']);
