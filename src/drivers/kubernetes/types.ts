// The types chaostoolkit's discovery gives the chaosk8s and chaosistio functions (portable names of their Python
// annotations: string, integer, number, boolean, mapping, list, object; `return` for the result), as `chaos discover`
// reports them for chaostoolkit-kubernetes 0.39.0 and chaostoolkit-istio 0.4.1 (generated with chaoslib's
// discover_activities). What has no annotation there has no type here either.
export const PORTABLE_TYPES: Record<string, Record<string, Record<string, string>>> = {
  'chaosistio.fault.actions': {
    add_abort_fault: { virtual_service_name: 'string', http_status: 'integer', routes: 'list', percentage: 'number', ns: 'string', version: 'string', configuration: 'mapping', secrets: 'mapping', return: 'mapping' },
    add_delay_fault: { virtual_service_name: 'string', fixed_delay: 'string', routes: 'list', percentage: 'number', ns: 'string', version: 'string', configuration: 'mapping', secrets: 'mapping', return: 'mapping' },
    remove_abort_fault: { virtual_service_name: 'string', routes: 'list', ns: 'string', version: 'string', configuration: 'mapping', secrets: 'mapping', return: 'mapping' },
    remove_delay_fault: { virtual_service_name: 'string', routes: 'list', ns: 'string', version: 'string', configuration: 'mapping', secrets: 'mapping', return: 'mapping' },
    set_fault: { virtual_service_name: 'string', routes: 'list', fault: 'mapping', ns: 'string', version: 'string', configuration: 'mapping', secrets: 'mapping', return: 'mapping' },
    unset_fault: { virtual_service_name: 'string', routes: 'list', ns: 'string', version: 'string', configuration: 'mapping', secrets: 'mapping', return: 'mapping' },
  },
  'chaosistio.fault.probes': {
    get_virtual_service: { virtual_service_name: 'string', ns: 'string', version: 'string', configuration: 'mapping', secrets: 'mapping', return: 'mapping' },
  },
  'chaosk8s.actions': {
    kill_microservice: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping' },
    remove_service_endpoint: { name: 'string', ns: 'string', secrets: 'mapping' },
    scale_microservice: { name: 'string', replicas: 'integer', ns: 'string', secrets: 'mapping' },
    start_microservice: { spec_path: 'string', ns: 'string', secrets: 'mapping' },
  },
  'chaosk8s.chaosmesh.network.actions': {
    add_latency: { name: 'string', ns: 'string', namespaces_selectors: 'object', label_selectors: 'object', annotations_selectors: 'object', mode: 'string', mode_value: 'object', direction: 'string', latency: 'object', correlation: 'object', jitter: 'object', external_targets: 'object', target_mode: 'object', target_mode_value: 'object', target_namespaces_selectors: 'object', target_label_selectors: 'object', target_annotations_selectors: 'object', secrets: 'mapping', return: 'mapping' },
    corrupt_packets: { name: 'string', ns: 'string', namespaces_selectors: 'object', label_selectors: 'object', annotations_selectors: 'object', mode: 'string', mode_value: 'object', direction: 'string', corrupt: 'object', correlation: 'object', external_targets: 'object', target_mode: 'object', target_mode_value: 'object', target_namespaces_selectors: 'object', target_label_selectors: 'object', target_annotations_selectors: 'object', secrets: 'mapping', return: 'mapping' },
    delete_network_fault: { name: 'string', ns: 'string', secrets: 'mapping', return: 'mapping' },
    duplicate_packets: { name: 'string', ns: 'string', namespaces_selectors: 'object', label_selectors: 'object', annotations_selectors: 'object', mode: 'string', mode_value: 'object', direction: 'string', duplicate: 'object', correlation: 'object', external_targets: 'object', target_mode: 'object', target_mode_value: 'object', target_namespaces_selectors: 'object', target_label_selectors: 'object', target_annotations_selectors: 'object', secrets: 'mapping', return: 'mapping' },
    reorder_packets: { name: 'string', ns: 'string', namespaces_selectors: 'object', label_selectors: 'object', annotations_selectors: 'object', mode: 'string', mode_value: 'object', direction: 'string', reorder: 'object', correlation: 'object', gap: 'object', external_targets: 'object', target_mode: 'object', target_mode_value: 'object', target_namespaces_selectors: 'object', target_label_selectors: 'object', target_annotations_selectors: 'object', secrets: 'mapping', return: 'mapping' },
    set_bandwidth: { name: 'string', rate: 'string', limit: 'integer', buffer: 'integer', ns: 'string', namespaces_selectors: 'object', label_selectors: 'object', annotations_selectors: 'object', mode: 'string', mode_value: 'object', direction: 'string', peakrate: 'object', minburst: 'object', external_targets: 'object', target_mode: 'object', target_mode_value: 'object', target_namespaces_selectors: 'object', target_label_selectors: 'object', target_annotations_selectors: 'object', secrets: 'mapping', return: 'mapping' },
    set_loss: { name: 'string', ns: 'string', namespaces_selectors: 'object', label_selectors: 'object', annotations_selectors: 'object', mode: 'string', mode_value: 'object', direction: 'string', loss: 'object', correlation: 'object', external_targets: 'object', target_mode: 'object', target_mode_value: 'object', target_namespaces_selectors: 'object', target_label_selectors: 'object', target_annotations_selectors: 'object', secrets: 'mapping', return: 'mapping' },
  },
  'chaosk8s.chaosmesh.network.probes': {
    get_network_fault: { name: 'string', ns: 'string', secrets: 'mapping', return: 'mapping' },
    get_network_faults: { ns: 'string', secrets: 'mapping', return: 'mapping' },
  },
  'chaosk8s.chaosmesh.stress.actions': {
    delete_stressor: { name: 'string', ns: 'string', secrets: 'mapping', return: 'mapping' },
    stress_cpu: { name: 'string', workers: 'integer', load: 'integer', ns: 'string', namespaces_selectors: 'object', label_selectors: 'object', annotations_selectors: 'object', mode: 'string', mode_value: 'object', direction: 'string', duration: 'string', container_names: 'object', stressng_stressors: 'object', secrets: 'mapping', return: 'mapping' },
    stress_memory: { name: 'string', workers: 'object', size: 'object', oom_score: 'object', time_to_get_to_size: 'object', ns: 'string', namespaces_selectors: 'object', label_selectors: 'object', annotations_selectors: 'object', mode: 'string', mode_value: 'object', direction: 'string', duration: 'string', container_names: 'object', stressng_stressors: 'object', secrets: 'mapping', return: 'mapping' },
  },
  'chaosk8s.chaosmesh.stress.probes': {
    get_stressor: { name: 'string', ns: 'string', secrets: 'mapping', return: 'mapping' },
    get_stressors: { ns: 'string', secrets: 'mapping', return: 'mapping' },
  },
  'chaosk8s.crd.actions': {
    apply_from_json: { resource: 'string', secrets: 'mapping', return: 'mapping' },
    apply_from_yaml: { resource: 'string', secrets: 'mapping', return: 'mapping' },
    create_cluster_custom_object: { group: 'string', version: 'string', plural: 'string', resource: 'mapping', resource_as_yaml_file: 'string', secrets: 'mapping', return: 'mapping' },
    create_custom_object: { group: 'string', version: 'string', plural: 'string', ns: 'string', resource: 'mapping', resource_as_yaml_file: 'string', secrets: 'mapping', return: 'mapping' },
    delete_cluster_custom_object: { group: 'string', version: 'string', plural: 'string', name: 'string', secrets: 'mapping', return: 'mapping' },
    delete_custom_object: { group: 'string', version: 'string', plural: 'string', name: 'string', ns: 'string', secrets: 'mapping', return: 'mapping' },
    patch_cluster_custom_object: { group: 'string', version: 'string', plural: 'string', name: 'string', force: 'boolean', resource: 'mapping', resource_as_yaml_file: 'string', secrets: 'mapping', return: 'mapping' },
    patch_custom_object: { group: 'string', version: 'string', plural: 'string', name: 'string', ns: 'string', force: 'boolean', resource: 'mapping', resource_as_yaml_file: 'string', secrets: 'mapping', return: 'mapping' },
    replace_cluster_custom_object: { group: 'string', version: 'string', plural: 'string', name: 'string', force: 'boolean', resource: 'mapping', resource_as_yaml_file: 'string', secrets: 'mapping', return: 'mapping' },
    replace_custom_object: { group: 'string', version: 'string', plural: 'string', name: 'string', ns: 'string', force: 'boolean', resource: 'mapping', resource_as_yaml_file: 'string', secrets: 'mapping', return: 'mapping' },
  },
  'chaosk8s.crd.probes': {
    get_cluster_custom_object: { group: 'string', version: 'string', plural: 'string', name: 'string', secrets: 'mapping', return: 'mapping' },
    get_custom_object: { group: 'string', version: 'string', plural: 'string', name: 'string', ns: 'string', secrets: 'mapping', return: 'mapping' },
    list_cluster_custom_objects: { group: 'string', version: 'string', plural: 'string', secrets: 'mapping', return: 'list' },
    list_custom_objects: { group: 'string', version: 'string', plural: 'string', ns: 'string', secrets: 'mapping', return: 'list' },
  },
  'chaosk8s.daemonset.actions': {
    create_daemon_set: { spec_path: 'string', ns: 'string', secrets: 'mapping' },
    delete_daemon_set: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping' },
    update_daemon_set: { name: 'string', spec: 'mapping', ns: 'string', secrets: 'mapping' },
  },
  'chaosk8s.daemonset.probes': {
    daemon_set_available_and_healthy: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping', return: 'boolean' },
    daemon_set_fully_available: { name: 'string', ns: 'string', label_selector: 'string', timeout: 'integer', secrets: 'mapping', return: 'boolean' },
    daemon_set_not_fully_available: { name: 'string', ns: 'string', label_selector: 'string', timeout: 'integer', secrets: 'mapping', return: 'boolean' },
    daemon_set_partially_available: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping', return: 'boolean' },
  },
  'chaosk8s.deployment.actions': {
    create_deployment: { spec_path: 'string', ns: 'string', secrets: 'mapping' },
    delete_deployment: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping' },
    rollout_deployment: { name: 'string', ns: 'string', secrets: 'mapping' },
    scale_deployment: { name: 'string', replicas: 'integer', ns: 'string', secrets: 'mapping' },
  },
  'chaosk8s.deployment.probes': {
    deployment_available_and_healthy: { name: 'string', ns: 'string', label_selector: 'string', raise_on_unavailable: 'boolean', secrets: 'mapping', return: 'object' },
    deployment_fully_available: { name: 'string', ns: 'string', label_selector: 'string', timeout: 'integer', raise_on_not_fully_available: 'boolean', secrets: 'mapping', return: 'object' },
    deployment_not_fully_available: { name: 'string', ns: 'string', label_selector: 'string', timeout: 'integer', raise_on_fully_available: 'boolean', secrets: 'mapping', return: 'object' },
    deployment_partially_available: { name: 'string', ns: 'string', label_selector: 'string', raise_on_not_partially_available: 'boolean', secrets: 'mapping', return: 'object' },
  },
  'chaosk8s.event.probes': {
    get_events: { label_selector: 'string', field_selector: 'string', limit: 'integer', configuration: 'mapping', secrets: 'mapping', return: 'mapping' },
  },
  'chaosk8s.namespace.actions': {
    create_namespace: { name: 'string', spec_path: 'string', secrets: 'mapping' },
    delete_namespace: { name: 'string', secrets: 'mapping' },
  },
  'chaosk8s.namespace.probes': {
    namespace_exists: { name: 'string', secrets: 'mapping', return: 'boolean' },
  },
  'chaosk8s.networking.actions': {
    allow_dns_access: { label_selectors: 'mapping', ns: 'string', secrets: 'mapping' },
    create_ingress: { spec_path: 'string', ns: 'string', secrets: 'mapping' },
    create_network_policy: { spec: 'mapping', spec_path: 'string', ns: 'string', secrets: 'mapping' },
    delete_ingress: { name: 'string', ns: 'string', secrets: 'mapping' },
    deny_all_egress: { label_selectors: 'mapping', ns: 'string', secrets: 'mapping' },
    deny_all_ingress: { label_selectors: 'mapping', ns: 'string', secrets: 'mapping' },
    remove_allow_dns_access: { ns: 'string', secrets: 'mapping' },
    remove_deny_all_egress: { ns: 'string', secrets: 'mapping' },
    remove_deny_all_ingress: { ns: 'string', secrets: 'mapping' },
    remove_network_policy: { name: 'string', ns: 'string', secrets: 'mapping' },
    update_ingress: { name: 'string', spec: 'mapping', ns: 'string', secrets: 'mapping' },
  },
  'chaosk8s.networking.probes': {
    ingress_exists: { name: 'string', ns: 'string', secrets: 'mapping', return: 'boolean' },
  },
  'chaosk8s.node.actions': {
    cordon_node: { name: 'string', label_selector: 'string', secrets: 'mapping', return: 'list' },
    create_node: { meta: 'mapping', spec: 'mapping', secrets: 'mapping', return: 'object' },
    delete_nodes: { label_selector: 'string', all: 'boolean', rand: 'boolean', count: 'integer', grace_period_seconds: 'integer', secrets: 'mapping', pod_label_selector: 'string', pod_namespace: 'string', return: 'list' },
    drain_nodes: { name: 'string', label_selector: 'string', delete_pods_with_local_storage: 'boolean', timeout: 'integer', secrets: 'mapping', count: 'integer', pod_label_selector: 'string', pod_namespace: 'string', return: 'list' },
    uncordon_node: { name: 'string', label_selector: 'string', secrets: 'mapping', return: 'list' },
  },
  'chaosk8s.node.probes': {
    all_nodes_must_be_ready_to_schedule: { label_selector: 'string', configuration: 'mapping', secrets: 'mapping', return: 'boolean' },
    get_all_node_status_conditions: { label_selector: 'string', configuration: 'mapping', secrets: 'mapping', return: 'list' },
    get_nodes: { label_selector: 'string', configuration: 'mapping', secrets: 'mapping' },
    nodes_must_be_healthy: { label_selector: 'string', configuration: 'mapping', secrets: 'mapping', return: 'boolean' },
    verify_nodes_condition: { condition_type: 'string', condition_value: 'string', label_selector: 'string', configuration: 'mapping', secrets: 'mapping', return: 'boolean' },
  },
  'chaosk8s.pod.actions': {
    exec_in_pods: { cmd: 'object', label_selector: 'string', name_pattern: 'string', all: 'boolean', rand: 'boolean', mode: 'string', qty: 'integer', ns: 'string', order: 'string', container_name: 'string', request_timeout: 'integer', secrets: 'mapping', return: 'list' },
    terminate_pods: { label_selector: 'string', name_pattern: 'string', all: 'boolean', rand: 'boolean', mode: 'string', qty: 'integer', grace_period: 'integer', ns: 'string', order: 'string', secrets: 'mapping' },
  },
  'chaosk8s.pod.probes': {
    count_min_pods: { label_selector: 'string', phase: 'string', min_count: 'integer', ns: 'string', secrets: 'mapping', return: 'boolean' },
    count_pods: { label_selector: 'string', phase: 'string', ns: 'string', secrets: 'mapping', return: 'integer' },
    pod_is_not_available: { name: 'string', ns: 'string', label_selector: 'string', raise_on_is_available: 'boolean', secrets: 'mapping', return: 'boolean' },
    pods_in_conditions: { label_selector: 'string', conditions: 'list', ns: 'string', raise_on_invalid_conditions: 'boolean', secrets: 'mapping', return: 'boolean' },
    pods_in_phase: { label_selector: 'string', phase: 'string', ns: 'string', raise_on_invalid_phase: 'boolean', secrets: 'mapping', return: 'boolean' },
    pods_not_in_phase: { label_selector: 'string', phase: 'string', ns: 'string', raise_on_in_phase: 'boolean', secrets: 'mapping', return: 'boolean' },
    read_pod_logs: { name: 'string', last: 'object', ns: 'string', from_previous: 'boolean', label_selector: 'string', container_name: 'string', secrets: 'mapping', return: 'mapping' },
    should_be_found_in_logs: { pattern: 'string', all_containers: 'boolean', value: 'mapping', secrets: 'mapping', return: 'boolean' },
  },
  'chaosk8s.probes': {
    all_microservices_healthy: { ns: 'string', secrets: 'mapping', return: 'object' },
    deployment_is_fully_available: { name: 'string', ns: 'string', label_selector: 'string', timeout: 'integer', secrets: 'mapping' },
    deployment_is_not_fully_available: { name: 'string', ns: 'string', label_selector: 'string', timeout: 'integer', secrets: 'mapping' },
    microservice_available_and_healthy: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping', return: 'object' },
    microservice_is_not_available: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping', return: 'boolean' },
    read_microservices_logs: { name: 'string', last: 'object', ns: 'string', from_previous: 'boolean', label_selector: 'string', container_name: 'string', secrets: 'mapping', return: 'mapping' },
    secret_exists: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping', return: 'boolean' },
    service_endpoint_is_initialized: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping' },
  },
  'chaosk8s.replicaset.actions': {
    delete_replica_set: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping' },
  },
  'chaosk8s.secret.actions': {
    create_secret: { spec_path: 'string', ns: 'string', secrets: 'mapping' },
    delete_secret: { name: 'string', ns: 'string', secrets: 'mapping' },
  },
  'chaosk8s.secret.probes': {
    secret_exists: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping', return: 'boolean' },
  },
  'chaosk8s.service.actions': {
    create_service_endpoint: { spec_path: 'string', ns: 'string', secrets: 'mapping' },
    delete_service: { name: 'string', ns: 'string', secrets: 'mapping' },
  },
  'chaosk8s.service.probes': {
    service_is_initialized: { name: 'string', ns: 'string', label_selector: 'string', raise_if_service_not_initialized: 'boolean', secrets: 'mapping', return: 'boolean' },
  },
  'chaosk8s.statefulset.actions': {
    create_statefulset: { spec_path: 'string', ns: 'string', secrets: 'mapping' },
    remove_statefulset: { name: 'string', ns: 'string', label_selector: 'string', secrets: 'mapping' },
    scale_statefulset: { name: 'string', replicas: 'integer', ns: 'string', secrets: 'mapping' },
  },
  'chaosk8s.statefulset.probes': {
    statefulset_fully_available: { name: 'string', ns: 'string', label_selector: 'string', timeout: 'integer', raise_on_not_fully_available: 'boolean', secrets: 'mapping' },
    statefulset_not_fully_available: { name: 'string', ns: 'string', label_selector: 'string', timeout: 'integer', raise_on_fully_available: 'boolean', secrets: 'mapping' },
  },
};
