// The replicated service: replicas behind a load balancer (examples/replicas/). The experiment kills a replica. With
// a single replica the service stops answering until the replica is back (fault tolerance only: the rollback restores
// it); with three, the load balancer routes around the lost one and the service keeps answering (high availability).
import { exampleScript, startService, stopServices, type Service } from './services.ts';
import type { Story } from './story.ts';

const REPLICAS: Record<string, number> = { single: 1, three: 3 };

export const replicas: Story = {
  system: 'replicas',
  variants: ['single', 'three'],
  experiment: 'examples/replicas/experiment.json',
  deviates: { single: true, three: false },
  title: (variant) => (variant === 'single' ? 'A single replica' : 'Three replicas') + ' behind a load balancer',
  moral:
    'with a single replica the service stopped answering until the rollback restarted it (fault tolerance only);\n' +
    'with three, the load balancer kept it answering (high availability).',
  async start(root, variant, port, work) {
    const replicaScript = exampleScript(root, 'replicas-replica');
    const balancerScript = exampleScript(root, 'replicas-balancer');
    const started = await Promise.allSettled(
      Array.from({ length: REPLICAS[variant]! }, (_, i) =>
        startService(`replica ${i + 1}`, replicaScript, [`--id=${i + 1}`, '--port=0'], work),
      ),
    );
    const replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    let balancer: Service;
    try {
      if (failed) throw failed.reason;
      const ports = replicas.map((r) => r.port).join(',');
      balancer = await startService('the load balancer', balancerScript, [`--replicas=${ports}`, `--port=${port}`], work);
    } catch (err) {
      await stopServices(replicas.map((r) => r.child));
      throw err;
    }
    const victim = replicas[0]!;
    return {
      services: [balancer, ...replicas],
      // the experiment's configuration: where the service answers, which replica to kill and how to restart it
      env: {
        REPLICAS_URL: balancer.url,
        REPLICA_PORT: String(victim.port),
        REPLICA_ID: '1',
        REPLICA_NODE: process.execPath,
        REPLICA_SCRIPT: replicaScript,
      },
      describe:
        `at ${balancer.url} (load balancer pid ${balancer.child.pid}; ` +
        `replica pid ${replicas.map((r) => r.child.pid).join(', ')} on port ${replicas.map((r) => r.port).join(', ')})`,
    };
  },
};
