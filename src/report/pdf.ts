// PDF: the HTML report printed by headless Chromium (no pandoc, no LaTeX). playwright-core drives the browser the
// machine already has; it is loaded only here, so no other command pays for it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ChaosError } from '../errors.ts';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** The browser to print with: TURBULENCE_CHROMIUM, else the first Chromium or Chrome found in the usual places. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env.TURBULENCE_CHROMIUM;
  if (wanted) {
    if (!existsSync(wanted)) throw new ChaosError(`TURBULENCE_CHROMIUM points to ${wanted}, which does not exist`);
    return wanted;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new ChaosError(
      'PDF reports need Chromium: install the Debian package chromium (apt-get install chromium), or set TURBULENCE_CHROMIUM to a Chromium or Chrome executable',
    );
  }
  return found;
}

interface Browser {
  newPage(): Promise<{
    setContent(html: string, opts: { waitUntil: 'load' }): Promise<void>;
    evaluate(fn: () => void): Promise<void>;
    pdf(opts: Record<string, unknown>): Promise<Buffer>;
  }>;
  close(): Promise<void>;
}

function playwright(): { chromium: { launch(opts: Record<string, unknown>): Promise<Browser> } } {
  try {
    // a require the bundler leaves alone: playwright-core stays in node_modules, loaded on the first PDF
    return createRequire(import.meta.url)('playwright-core');
  } catch {
    throw new ChaosError('PDF reports need the playwright-core package (npm install playwright-core)');
  }
}

export async function htmlToPdf(html: string): Promise<Buffer> {
  const executablePath = chromiumPath();
  const browser = await playwright().chromium.launch({ executablePath, args: ARGS, timeout: 30_000 }).catch((err: Error) => {
    throw new ChaosError(`cannot start Chromium (${executablePath}): ${err.message.split('\n')[0]}`);
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    // on paper nothing can be unfolded: every output is shown
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '8mm', right: '8mm' } });
  } finally {
    await browser.close();
  }
}
