// The exchange story of "Learning Chaos Engineering" (chapter 5): a service serves the content of a file it keeps up
// to date; the experiment moves the file away. The fragile service answers 500 (a weakness), the resilient one 503
// with Retry-After (the hypothesis accepts it).
import { exampleScript, startService } from './services.ts';
import type { Story } from './story.ts';

export const exchange: Story = {
  system: 'exchange',
  variants: ['fragile', 'resilient'],
  experiment: 'examples/exchange/experiment.json',
  deviates: { fragile: true, resilient: false },
  title: (variant) => `The ${variant} exchange service`,
  moral: "the experiment found the fragile service's weakness, and the resilient service withstood it.",
  async start(root, variant, port, work) {
    const script = exampleScript(root, 'exchange-service');
    const args = ['--variant', variant, '--port', String(port), '--exit-with-stdin'];
    const service = await startService(`the ${variant} exchange service`, script, args, work);
    return { services: [service], env: { EXCHANGE_URL: service.url }, describe: `at ${service.url} (pid ${service.child.pid})` };
  },
};
