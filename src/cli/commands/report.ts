// `turbulence report JOURNAL...`: a report to share after experiments: HTML (self-contained), Markdown, PDF, JUnit
// XML or JSON. One journal gives its run's report, several (or a directory of them) a summary.
import { writeFile } from 'node:fs/promises';
import { ChaosError } from '../../errors.ts';
import { log } from '../../log.ts';
import { readRuns } from '../../report/journals.ts';
import { DEFAULT_EXTENSION, type ReportFormat, formatOfPath, renderReport } from '../../report/render.ts';
import type { GlobalOptions } from '../globals.ts';

export async function reportCommand(
  _g: GlobalOptions,
  journals: string[],
  opts: { format?: ReportFormat; output?: string },
): Promise<number> {
  const format: ReportFormat = opts.format ?? (opts.output && opts.output !== '-' ? formatOfPath(opts.output) : undefined) ?? 'html';
  const runs = await readRuns(journals);
  const output = opts.output ?? `${runs.length === 1 ? 'report' : 'summary'}.${DEFAULT_EXTENSION[format]}`;
  const report = await renderReport(runs, format);
  if (output === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(report, (err) => (err ? reject(err) : resolve())));
    return 0;
  }
  try {
    await writeFile(output, report);
  } catch (err) {
    throw new ChaosError(`cannot write the report to ${output} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const what = runs.length === 1 ? `report of "${runs[0].title}"` : `summary of ${runs.length} runs`;
  log.info(`Wrote the ${format === 'junit' ? 'JUnit' : format.toUpperCase()} ${what} to ${output}`);
  return 0;
}
