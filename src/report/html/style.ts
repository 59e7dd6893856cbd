// Styles of the HTML reports: system fonts, status colours readable on white (WCAG AA for text), print-friendly.
export const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;
--passed:#1a7f37;--met:#2da44e;--succeeded:#2da44e;--deviated:#cf222e;--missed:#cf222e;--failed:#82071e;
--aborted:#6e7781;--interrupted:#9a6700;--interrupt:#bf8700;--not-run:#57606a;--pause:#afb8c1}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 28px}
footer{max-width:1120px;margin:0 auto;padding:12px 28px 32px;color:var(--muted);font-size:12px}
h1{font-size:24px;line-height:1.25;margin:0 0 6px}
h2{font-size:18px;margin:28px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:18px 0 8px}
p{margin:6px 0}
.muted{color:var(--muted)}
header.report{display:flex;gap:16px;align-items:flex-start;justify-content:space-between}
header.report>div:first-child{flex:1 1 auto;min-width:0}
header.report>div:last-child{flex:none;padding-top:2px}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;color:#fff;font-weight:600;font-size:12px;letter-spacing:.02em;white-space:nowrap}
.badge-large{font-size:15px;padding:4px 14px}
.badge-passed,.badge-met,.badge-succeeded{background:var(--passed)}
.badge-deviated,.badge-missed{background:var(--deviated)}
.badge-failed,.badge-raised{background:var(--failed)}
.badge-aborted{background:var(--aborted)}
.badge-interrupted{background:var(--interrupted)}
.badge-not-run,.badge-not-checked{background:var(--not-run)}
.tag{display:inline-block;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 6px;margin-right:4px;font-size:12px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:10px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:var(--soft)}
.card dt{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card dd{margin:2px 0 0;font-size:16px;font-weight:600;overflow-wrap:anywhere}
.reason{border-left:4px solid var(--deviated);background:#ffebe9;padding:8px 12px;border-radius:4px;margin:10px 0}
.reason.ok{border-color:var(--passed);background:#dafbe1}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.nowrap{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow:auto;max-height:420px;white-space:pre-wrap;overflow-wrap:anywhere}
details>summary{cursor:pointer;overflow-wrap:anywhere}
figure{margin:10px 0}
figcaption{color:var(--muted);font-size:12px;margin-top:4px}
svg.chart{width:100%;height:auto;display:block;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.legend{display:flex;flex-wrap:wrap;gap:12px;font-size:12px;color:var(--muted);margin:6px 0 0;padding:0;list-style:none}
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:4px;vertical-align:-2px}
.rate{display:inline-block;width:120px;height:10px;background:#ffebe9;border-radius:5px;overflow:hidden;vertical-align:middle;margin-right:6px}
.rate>span{display:block;height:100%;background:var(--passed)}
@media print{
 main,footer{max-width:none;padding:0 8mm}
 h2{break-after:avoid}
 table,figure,.card{break-inside:avoid}
 pre{max-height:none}
 .badge,.legend i,.rate,.rate>span{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`;
