// Every text format rendered from real journals of both engines and every outcome, and the `turbulence report`
// command end to end (built CLI: run `npm run build` first). JUnit output is validated with xmllint against the
// JUnit schema of Jenkins' xUnit plugin.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Run, toRun } from '../../src/report/model.ts';
import { renderReport } from '../../src/report/render.ts';
import { CASE_NAMES, type CaseName, ENGINES, journalPath, journalsDir, readJournal } from './journals.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const XSD = fileURLToPath(new URL('./fixtures/junit.xsd', import.meta.url));
const SECRETS = ['alice', 'env-default', 'alice secret'];

let dir: string;
let tmp: string;
before(async () => {
  dir = await journalsDir();
  tmp = mkdtempSync(join(tmpdir(), 'turbulence-report-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const run = (engine: (typeof ENGINES)[number], name: CaseName): Run => toRun(readJournal(dir, engine, name), `${engine}-${name}.json`);
const all = () => ENGINES.flatMap((e) => CASE_NAMES.map((n) => run(e, n)));
const text = async (runs: Run[], format: 'html' | 'md' | 'junit' | 'json') => String(await renderReport(runs, format));

function xmllint(xml: string): { status: number | null; stderr: string } {
  const file = join(tmp, `junit-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint is missing (Debian libxml2-utils; scripts/setup-test-peers.sh installs it): ${r.error.message}`);
  return { status: r.status, stderr: r.stderr };
}

describe('HTML', () => {
  for (const engine of ENGINES) {
    test(`${engine}: every outcome renders its verdict, meaning, probes, activities and one timeline mark per item`, async () => {
      for (const name of CASE_NAMES) {
        const r = run(engine, name);
        const html = await text([r], 'html');
        assert.ok(html.startsWith('<!DOCTYPE html>'), name);
        assert.ok(html.includes(`<h1>${r.title.replace(/'/g, '&#39;')}</h1>`), `${name}: title`);
        assert.ok(html.includes(r.meaning.replace(/'/g, '&#39;')), `${name}: meaning`);
        for (const p of r.hypotheses.flatMap((h) => h.probes)) assert.ok(html.includes(p.name), `${name}: probe ${p.name}`);
        for (const a of [...r.activities, ...r.rollbacks]) assert.ok(html.includes(`<td class="num">`) && html.includes(a.name), `${name}: ${a.name}`);
        const marks = html.match(/<g class="mark"/g)?.length ?? 0;
        assert.equal(marks, r.timeline.length, `${name}: marks`);
        if (marks) assert.ok(html.includes(`data-marks="${marks}"`));
        // self-contained: nothing fetched at view time
        assert.doesNotMatch(html, /<(link|script|img)[^>]+(href|src)=/i, name);
        assert.doesNotMatch(html, /url\(/, name);
      }
    });
  }

  test('the deviated run shows the missed probe with its tolerance and value; errors are listed', async () => {
    const html = await text([run('reference', 'deviated')], 'html');
    assert.match(html, /<td>service-is-healthy<\/td><td><code>200<\/code><\/td><td><details><summary><code>HTTP 503 &quot;broken&quot;<\/code>/);
    assert.match(html, /badge-missed">missed</);
    const errors = await text([run('turbulence', 'activity-errors')], 'html');
    assert.match(errors, /<h2 id="errors">Errors<\/h2>\n<table>.*too-slow.*slow-request/s);
  });

  test('secrets are masked and unknown journal fields are shown', async () => {
    for (const engine of ENGINES) {
      const html = await text([run(engine, 'secrets')], 'html');
      for (const s of SECRETS) assert.ok(!html.includes(s), `${engine}: ${s} leaked`);
      assert.ok(html.includes('&quot;password&quot;: &quot;********&quot;'));
    }
    const journal = { ...readJournal(dir, 'turbulence', 'completed'), turbulence: { reverted: [{ fault: 'file moved', undo: 'moved back' }] } };
    const html = await text([toRun(journal, 'j.json')], 'html');
    assert.match(html, /<h3><code>turbulence<\/code><\/h3><pre>\{\n {2}&quot;reverted&quot;: \[\n {4}\{\n {6}&quot;fault&quot;: &quot;file moved&quot;/);
  });

  test('several runs make a summary: one row per run, the trend, the pass rate per experiment', async () => {
    const runs = all();
    const html = await text(runs, 'html');
    assert.match(html, /<h1>Chaos experiment runs<\/h1>/);
    assert.equal(html.match(/<tr><td class="nowrap">/g)?.length, runs.length);
    assert.equal(html.match(/<g class="bar"/g)?.length, runs.length);
    assert.match(html, /<tr><td>Everything holds<\/td><td class="num">2<\/td><td class="num">2<\/td>.*?100%/);
    assert.match(html, /Runs over time by result: 4 deviated of 22/);
  });
});

describe('Markdown', () => {
  test('one run: verdict heading, exit meaning, hypothesis table, activities, masked configuration', async () => {
    const md = await text([run('turbulence', 'deviated')], 'md');
    assert.match(md, /^## ❌ The service survives being broken: deviated\n/);
    assert.match(md, /\*\*Exit 1: the steady state deviated after the method; a weakness may have been found\.\*\* {2}\nsteady state deviated after the method: probe service-is-healthy expected 200, got 503/);
    assert.match(md, /\| hypothesis after the method \| service-is-healthy \| `200` \| `HTTP 503 "broken"` \| missed \|/);
    assert.match(md, /### Rollbacks\n\n.*\n.*\n\| 1 \| heal-the-service \| action \| succeeded \|/);
    for (const engine of ENGINES) {
      const secrets = await text([run(engine, 'secrets')], 'md');
      for (const s of SECRETS) assert.ok(!secrets.includes(s), `${engine}: ${s} leaked`);
    }
    const failed = await text([run('reference', 'activity-errors')], 'md');
    assert.match(failed, /### Errors\n\n- \*\*too-slow\*\* \(method\): `/);
  });

  test('several runs: totals, pass rate per experiment, runs most recent first', async () => {
    const md = await text(all(), 'md');
    assert.match(md, /^## Chaos experiment runs: 36% passed\n/);
    assert.match(md, /\| 8 \| 4 \| 4 \| 2 \| 2 \| 2 \|/);
    assert.match(md, /\| Everything holds \| 2 \| 2 \| 0 \| 100% \| ✅ passed \|/);
    assert.equal(md.split('\n').filter((l) => /^\| 2026|^\| \d{4}-/.test(l)).length, 22);
  });
});

describe('JUnit XML', () => {
  test('one testcase per run; deviated and failed are failures with the reason, aborted and interrupted errors; valid against the schema', async () => {
    const runs = all();
    const xml = await text(runs, 'junit');
    const v = xmllint(xml);
    assert.equal(v.status, 0, v.stderr);
    assert.match(xml, /<testsuites name="chaos experiments" tests="22" failures="8" errors="4"/);
    assert.match(xml, /<testsuite name="chaos experiments" tests="22" failures="8" errors="4" skipped="2"/);
    assert.equal(xml.match(/<testcase /g)?.length, 22);
    assert.match(xml, /<testcase name="The service survives being broken" classname="chaos\.reference-deviated" time="[\d.]+" timestamp="[\dT:-]+">\n {6}<failure message="steady state deviated after the method: probe service-is-healthy expected 200, got 503" type="deviated">/);
    assert.match(xml, /classname="chaos\.turbulence-failed"[^>]*>\n {6}<failure message="run failed: hypothesis before the method: probe answers-quickly raised: [^"]+" type="failed">/);
    assert.match(xml, /classname="chaos\.turbulence-aborted"[^>]*>\n {6}<error message="run aborted by an unexpected error" type="aborted">/);
    assert.match(xml, /classname="chaos\.reference-interrupted"[^>]*>\n {6}<error message="run interrupted during the method, in sleeper" type="interrupted">/);
    assert.match(xml, /classname="chaos\.reference-gate-missed"[^>]*>\n {6}<skipped message="steady state not met before the method/);
    assert.match(xml, /classname="chaos\.turbulence-completed"[^>]*>\n {6}<system-out>/);
    for (const s of SECRETS) assert.ok(!xml.includes(s), `${s} leaked`);
  });

  test('one run is a valid suite of one; control characters and markup in outputs stay valid XML', async () => {
    const journal = readJournal(dir, 'turbulence', 'deviated');
    journal.experiment.title = 'Odd <title> & "quotes" \u0001';
    const xml = await text([toRun(journal, 'odd.json')], 'junit');
    const v = xmllint(xml);
    assert.equal(v.status, 0, v.stderr);
    assert.match(xml, /tests="1" failures="1" errors="0"/);
    assert.match(xml, /name="Odd &lt;title&gt; &amp; &quot;quotes&quot; \uFFFD"/);
  });
});

describe('JSON', () => {
  test('one run: the normalized run with ISO times; several: totals, experiments, trend and rows', async () => {
    const one = JSON.parse(await text([run('reference', 'interrupted')], 'json'));
    assert.equal(one.format, 'turbulence-report/1');
    assert.equal(one.kind, 'run');
    assert.deepEqual([one.run.verdict, one.run.exitCode, one.run.status], ['interrupted', 1, 'interrupted']);
    assert.match(one.run.start, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(one.run.timeline.find((i: any) => i.kind === 'interrupt').lane, 'interruptions');
    const many = JSON.parse(await text(all(), 'json'));
    assert.equal(many.kind, 'summary');
    assert.deepEqual(many.totals, { runs: 22, passed: 8, deviated: 4, failed: 4, aborted: 2, interrupted: 2, 'not-run': 2, passRate: 8 / 22 });
    assert.equal(many.runs.length, 22);
    assert.ok(!JSON.stringify(many).includes('alice'));
    assert.ok(!(await text([run('turbulence', 'secrets')], 'json')).includes('alice'));
  });
});

describe('turbulence report (built CLI)', () => {
  const cli = (args: string[], cwd = tmp) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/turbulence.js'), '--no-log-file', 'report', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  test('one journal: report.html by default; the format follows --output; - writes to stdout', () => {
    const cwd = mkdtempSync(join(tmp, 'cli-'));
    const r = cli([journalPath(dir, 'reference', 'deviated')], cwd);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Wrote the HTML report of "The service survives being broken" to report\.html/);
    assert.match(readFileSync(join(cwd, 'report.html'), 'utf8'), /<h1>The service survives being broken<\/h1>/);
    const md = cli([journalPath(dir, 'turbulence', 'completed'), '--output', 'out.md'], cwd);
    assert.equal(md.status, 0, md.stderr);
    assert.match(readFileSync(join(cwd, 'out.md'), 'utf8'), /^## ✅ Everything holds: passed/);
    const out = cli([journalPath(dir, 'turbulence', 'completed'), '--format', 'json', '--output', '-'], cwd);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).run.verdict, 'passed');
  });

  test('a directory of journals gives a summary; other JSON files in it are skipped with a warning', () => {
    const cwd = mkdtempSync(join(tmp, 'dir-'));
    const runs = join(cwd, 'runs');
    spawnSync('mkdir', [runs]);
    for (const n of ['completed', 'deviated', 'failed'] as const) copyFileSync(journalPath(dir, 'turbulence', n), join(runs, `${n}.json`));
    copyFileSync(join(ROOT, 'test/differential/experiments/all-met.json'), join(runs, 'experiment.json'));
    const r = cli([runs, '--output', 'results.xml'], cwd);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /experiment\.json: skipped \(not a journal\)/);
    assert.match(r.stderr, /Wrote the JUnit summary of 3 runs to results\.xml/);
    const xml = readFileSync(join(cwd, 'results.xml'), 'utf8');
    assert.equal(xmllint(xml).status, 0);
    assert.match(xml, /tests="3" failures="2" errors="0"/);
    const html = cli([runs], cwd);
    assert.equal(html.status, 0, html.stderr);
    assert.ok(existsSync(join(cwd, 'summary.html')));
  });

  test('a missing file, a file that is no journal, and a bad format are one-line errors', () => {
    const missing = cli(['nowhere.json']);
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /ERROR\] nowhere\.json: no such journal file or directory/);
    const experiment = join(ROOT, 'test/differential/experiments/all-met.json');
    const notJournal = cli([experiment]);
    assert.equal(notJournal.status, 1);
    assert.equal(notJournal.stderr.trim().split('\n').length, 1);
    assert.ok(notJournal.stderr.includes(`${experiment}: not a journal`));
    writeFileSync(join(tmp, 'broken.json'), '{"status": ');
    const broken = cli(['broken.json']);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /broken\.json: not a journal: invalid JSON/);
    const bad = cli([journalPath(dir, 'turbulence', 'completed'), '--format', 'docx']);
    assert.equal(bad.status, 2);
  });
});
