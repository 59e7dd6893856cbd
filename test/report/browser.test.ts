// The HTML reports in a real headless Chromium (Debian chromium driven by playwright-core; nothing downloaded): they
// render without console or page errors, the timeline has one visible mark per item, no request leaves the file.
// The PDF comes from the built CLI and is rendered back with pdftoppm to check it is not blank.
// TURBULENCE_REPORT_SCREENSHOT=1 also writes docs/report-example.png, the README's screenshot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { toRun } from '../../src/report/model.ts';
import { renderReport } from '../../src/report/render.ts';
import { CASE_NAMES, ENGINES, journalPath, journalsDir, readJournal } from './journals.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir: string;
let tmp: string;
let browser: Browser;
before(async () => {
  dir = await journalsDir();
  tmp = mkdtempSync(join(tmpdir(), 'turbulence-report-browser-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function open(html: string, name: string, width = 1200) {
  const file = join(tmp, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => r.url() !== pathToFileURL(file).href && requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems, requests };
}

test('every run report renders in Chromium with its timeline: one visible mark per item, no errors, no requests', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => !r.url().startsWith(`file://${tmp}/`) && requests.push(r.url()));
  for (const engine of ENGINES) {
    for (const name of CASE_NAMES) {
      const run = toRun(readJournal(dir, engine, name), `${engine}-${name}.json`);
      const file = join(tmp, `${engine}-${name}.html`);
      writeFileSync(file, String(await renderReport([run], 'html')));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const seen = await page.evaluate(() => {
        const svgs = [...document.querySelectorAll('svg.timeline')];
        const box = svgs[0]?.getBoundingClientRect();
        const marks = [...document.querySelectorAll('svg.timeline .mark')].map((m) => m.getBoundingClientRect());
        return { svgs: svgs.length, width: box?.width ?? 0, height: box?.height ?? 0, marks: marks.length, invisible: marks.filter((r) => !(r.width * r.height > 0)).length };
      });
      const label = `${engine} ${name}`;
      assert.equal(seen.svgs, 1, `${label}: timeline`);
      assert.ok(seen.width > 500 && seen.height > 40, `${label}: timeline size ${seen.width}x${seen.height}`);
      assert.equal(seen.marks, run.timeline.length, `${label}: marks`);
      assert.equal(seen.invisible, 0, `${label}: invisible marks`);
      const records = run.activities.length + run.rollbacks.length + run.hypotheses.filter((h) => h.phase !== 'during').reduce((n, h) => n + h.probes.length, 0);
      assert.ok(run.timeline.length >= records, `${label}: ${run.timeline.length} marks for ${records} records`);
      assert.deepEqual(problems, [], label);
      assert.deepEqual(requests, [], label);
    }
  }
  await page.close();
});

test('the summary page renders its trend and tables; the README screenshot is taken', async () => {
  const runs = ENGINES.flatMap((e) => CASE_NAMES.map((n) => toRun(readJournal(dir, e, n), `${e}-${n}.json`)));
  const summary = await open(String(await renderReport(runs, 'html')), 'summary');
  assert.deepEqual(summary.problems, []);
  assert.equal(await summary.page.locator('svg.trend .bar').count(), runs.length);
  assert.ok(((await summary.page.locator('svg.trend').boundingBox())?.height ?? 0) > 100);
  assert.equal(await summary.page.locator('#runs ~ table tbody tr').count(), runs.length);
  await summary.page.close();

  // the README's example: a deviated run with continuous checks, as Turbulence wrote it
  const run = toRun(readJournal(dir, 'turbulence', 'continuous'), 'journal.json');
  const { page, problems } = await open(String(await renderReport([run], 'html')), 'example', 1100);
  assert.deepEqual(problems, []);
  const bottom = await page.locator('#hypothesis').evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 1100, height: Math.ceil(bottom) - 8 } });
  assert.ok(png.length > 20_000);
  // the committed screenshot changes only on request (its times and sizes differ at every run)
  if (process.env.TURBULENCE_REPORT_SCREENSHOT === '1') writeFileSync(join(ROOT, 'docs/report-example.png'), png);
  await page.close();
});

test('PDF from the built CLI: a real PDF, with pages, not blank', () => {
  const out = join(tmp, 'report.pdf');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/turbulence.js'), '--no-log-file', 'report', journalPath(dir, 'reference', 'continuous'), '--output', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const pdf = readFileSync(out);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const info = spawnSync('pdfinfo', [out], { encoding: 'utf8' });
  if (info.error) throw new Error(`pdfinfo is missing (Debian poppler-utils; scripts/setup-test-peers.sh installs it)`);
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1]);
  assert.ok(pages >= 1, info.stdout);
  // page 1 at low resolution, greyscale: a blank page would be all white
  const ppm = spawnSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '30', '-gray', out], { maxBuffer: 10_000_000 });
  assert.equal(ppm.status, 0, String(ppm.stderr));
  const pixels = ppm.stdout.subarray(ppm.stdout.length - 200 * 250);
  const dark = pixels.filter((p) => p < 200).length;
  assert.ok(dark > 200, `page 1 looks blank (${dark} dark pixels)`);
  const summary = spawnSync(process.execPath, [join(ROOT, 'bin/turbulence.js'), '--no-log-file', 'report', dir, '--format', 'pdf', '--output', join(tmp, 'summary.pdf')], { encoding: 'utf8' });
  assert.equal(summary.status, 0, summary.stderr);
  assert.equal(readFileSync(join(tmp, 'summary.pdf')).subarray(0, 5).toString(), '%PDF-');
});

test('PDF without Chromium: one line naming the package and TURBULENCE_CHROMIUM', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/turbulence.js'), '--no-log-file', 'report', journalPath(dir, 'turbulence', 'completed'), '--output', join(tmp, 'x.pdf')], {
    encoding: 'utf8',
    env: { ...process.env, TURBULENCE_CHROMIUM: '/nonexistent/chromium' },
  });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /TURBULENCE_CHROMIUM points to \/nonexistent\/chromium, which does not exist/);
});
