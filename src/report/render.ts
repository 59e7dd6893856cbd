// From runs to the bytes of a report: one run gets its full report, several runs a summary.
import { runHtml } from './html/run.ts';
import { summaryHtml } from './html/summary.ts';
import { runReportJson, summaryReportJson } from './json.ts';
import { junitXml } from './junit.ts';
import { runMarkdown, summaryMarkdown } from './markdown.ts';
import type { Run } from './model.ts';
import { summarize } from './summary.ts';

export type ReportFormat = 'html' | 'md' | 'pdf' | 'junit' | 'json';
export const REPORT_FORMATS: ReportFormat[] = ['html', 'md', 'pdf', 'junit', 'json'];

const EXTENSIONS: Record<string, ReportFormat> = {
  '.html': 'html', '.htm': 'html', '.md': 'md', '.markdown': 'md', '.pdf': 'pdf', '.xml': 'junit', '.json': 'json',
};
export const DEFAULT_EXTENSION: Record<ReportFormat, string> = { html: 'html', md: 'md', pdf: 'pdf', junit: 'xml', json: 'json' };

/** The format an output path implies by its extension, if any. */
export function formatOfPath(path: string): ReportFormat | undefined {
  const m = /\.[^./\\]+$/.exec(path.toLowerCase());
  return m ? EXTENSIONS[m[0]] : undefined;
}

export async function renderReport(runs: Run[], format: ReportFormat): Promise<string | Buffer> {
  const one = runs.length === 1 ? runs[0] : null;
  switch (format) {
    case 'html':
      return one ? runHtml(one) : summaryHtml(summarize(runs));
    case 'md':
      return one ? runMarkdown(one) : summaryMarkdown(summarize(runs));
    case 'json':
      return one ? runReportJson(one) : summaryReportJson(summarize(runs));
    case 'junit':
      return junitXml(runs);
    case 'pdf': {
      const html = one ? runHtml(one) : summaryHtml(summarize(runs));
      return (await import('./pdf.ts')).htmlToPdf(html);
    }
  }
}
