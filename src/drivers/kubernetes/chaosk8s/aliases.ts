// The names chaosk8s modules import from one another, callable under them as in the reference (chaoslib calls any
// attribute of a module): the deprecated chaosk8s.actions / chaosk8s.probes and the Chaos Mesh modules. Only
// read_microservices_logs is exported (`__all__`), so only it is discovered. Loaded after every module it names.
import { alias } from './common.ts';

alias('chaosk8s.probes', 'chaosk8s.pod.probes', [['read_pod_logs', 'read_microservices_logs', true], 'read_pod_logs', 'all_pods_healthy', 'pod_is_not_available']);
alias('chaosk8s.probes', 'chaosk8s.deployment.probes', ['deployment_available_and_healthy', 'deployment_fully_available', 'deployment_not_fully_available']);
alias('chaosk8s.probes', 'chaosk8s.service.probes', ['service_is_initialized']);
alias('chaosk8s.actions', 'chaosk8s.deployment.actions', ['create_deployment', 'delete_deployment', 'scale_deployment']);
alias('chaosk8s.actions', 'chaosk8s.pod.actions', ['delete_pods']);
alias('chaosk8s.actions', 'chaosk8s.replicaset.actions', ['delete_replica_set']);
alias('chaosk8s.actions', 'chaosk8s.service.actions', ['delete_service']);
for (const kind of ['network', 'stress']) {
  alias(`chaosk8s.chaosmesh.${kind}.actions`, 'chaosk8s.crd.actions', ['create_custom_object', 'delete_custom_object']);
  alias(`chaosk8s.chaosmesh.${kind}.probes`, 'chaosk8s.crd.probes', ['get_custom_object', 'list_custom_objects']);
}
