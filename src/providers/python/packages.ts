// Which Python distribution provides a module, for messages that tell the user what to install.

/** Top-level packages of the Chaos Toolkit extensions experiments use most, and their PyPI names. */
const DISTRIBUTIONS: Record<string, string> = {
  chaoslib: 'chaostoolkit-lib',
  chaosaddons: 'chaostoolkit-addons',
  chaosaws: 'chaostoolkit-aws',
  chaosazure: 'chaostoolkit-azure',
  chaosgcp: 'chaostoolkit-google-cloud-platform',
  chaosk8s: 'chaostoolkit-kubernetes',
  chaosistio: 'chaostoolkit-istio',
  chaosprometheus: 'chaostoolkit-prometheus',
  chaostoxi: 'chaostoolkit-toxiproxy',
  chaosspring: 'chaostoolkit-spring',
  chaosslack: 'chaostoolkit-slack',
  chaosdatadog: 'chaostoolkit-datadog',
  chaosgrafana: 'chaostoolkit-grafana',
  chaoshoneycomb: 'chaostoolkit-honeycomb',
  chaosreliably: 'chaostoolkit-reliably',
  chaostracing: 'chaostoolkit-opentracing',
  chaoswm: 'chaostoolkit-wiremock',
};

/** `pip install` advice for a dotted module path. */
export function installHint(module: string): string {
  const top = module.split('.')[0]!;
  const dist = DISTRIBUTIONS[top];
  return dist ? `pip install ${dist}` : `install the Python package that provides '${top}'`;
}
