// chaostoolkit-kubernetes's modules (chaosk8s.*), native: loaded on first use of any of them. The client package
// itself loads only when a function calls the API.
import './pod.ts';
import './deployment.ts';
import './statefulset.ts';
import './daemonset.ts';
import './node.ts';
import './resources.ts';
import './crd.ts';
import './chaosmesh.ts';
import './deprecated.ts';
import './reverts.ts';
import './aliases.ts';
