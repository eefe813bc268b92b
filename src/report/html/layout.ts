// The page around the report: document head, the one inline stylesheet (light, dark via
// prefers-color-scheme, print) and the tiny optional script (table filters, expand-all). Nothing is
// fetched: the file must open offline, years later, from a ticket attachment.

import { esc } from './escape.js';

export function pageStart(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="xenkeys">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
`;
}

export function pageEnd(footer: string): string {
  return `<footer><p>${footer}</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const CSS = `
:root{--bg:#f5f6f8;--card:#fff;--fg:#1c1f24;--muted:#5c6470;--line:#dde1e6;--soft:#eef1f5;--accent:#1f5fd6;
--bad:#c02630;--bad-bg:#fdecec;--warn:#9a5b00;--warn-bg:#fff4de;--good:#1a7f37;--good-bg:#e7f6ec;--dim:#8a929d;
--code-bg:#f3f4f7;--n0:#3b82f6;--n1:#f59e0b;--n2:#10b981;--n3:#a855f7;--n4:#ef4444;--n5:#14b8a6;--n6:#ec4899;--n7:#84cc16;
--cell:#e4e8ee;--aff:#c9d8f5;--run:#1a7f37;--on:#3b82f6;--queued:#e08a00;--idle:#d5d9df}
@media (prefers-color-scheme:dark){:root{--bg:#0e1117;--card:#161b22;--fg:#e6edf3;--muted:#9aa4b1;--line:#2c333d;
--soft:#1d232c;--accent:#79a8ff;--bad:#ff7b72;--bad-bg:#3a1618;--warn:#f2b64a;--warn-bg:#35280e;--good:#56d364;
--good-bg:#12301c;--dim:#7d8590;--code-bg:#1f252e;--cell:#222a35;--aff:#24385c;--run:#3fb950;--on:#4f8ff7;--queued:#e3a008;
--idle:#3a424e}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--fg)}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
code,pre,kbd,.mono{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.88em}
a{color:var(--accent)}
header.top{background:var(--card);border-bottom:1px solid var(--line);padding:18px 28px 10px;position:sticky;top:0;z-index:2}
header.top h1{margin:0;font-size:1.35rem;font-weight:650}
header.top h1 .src{color:var(--muted);font-weight:500}
.headline{margin:4px 0 8px;color:var(--muted)}
.headline .alarm{color:var(--bad);font-weight:600}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 6px}
nav a{display:inline-block;padding:1px 8px;border:1px solid var(--line);border-radius:999px;text-decoration:none;font-size:.85rem;color:var(--fg);background:var(--soft)}
nav a.bad{border-color:var(--bad);color:var(--bad)}
main{max-width:1240px;margin:0 auto;padding:18px 28px 40px}
section.card,.part{scroll-margin-top:110px}
section.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 20px 16px;margin:0 0 18px}
h2{font-size:1.15rem;margin:2px 0 8px}
h3{font-size:1rem;margin:18px 0 6px}
h2 kbd,h3 kbd{display:inline-block;min-width:1.7em;text-align:center;padding:0 6px;margin-right:8px;border:1px solid var(--line);border-bottom-width:2px;border-radius:6px;background:var(--soft);font-size:.95em}
.meta{color:var(--muted);font-size:.85rem;margin:-4px 0 8px}
.summary{margin:6px 0 10px}
.part{border-top:1px dashed var(--line);margin-top:14px;padding-top:4px}
.event{border:1px solid var(--line);border-left:5px solid var(--dim);border-radius:8px;padding:10px 14px;margin:10px 0;background:var(--card)}
.event.critical{border-left-color:var(--bad);background:var(--bad-bg)}
.event.warning{border-left-color:var(--warn);background:var(--warn-bg)}
.event h3{margin:0 0 4px}
.finding.info{border-left-color:var(--good)}.finding.advice{border-left-color:var(--dim)}
.finding .sev{font-size:.75rem;letter-spacing:.05em;color:var(--muted);margin-right:6px}
.finding p{margin:4px 0}.finding ul.evidence{margin:4px 0;padding-left:20px;color:var(--muted);font-size:.85rem}
.event .when{color:var(--muted);font-weight:400;font-size:.85rem;margin-left:8px}
.ok{color:var(--good)}
.hint.soft{border-left-color:var(--dim);background:var(--soft)}
.hint{border-left:5px solid var(--warn);background:var(--warn-bg);border-radius:6px;padding:6px 12px;margin:6px 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.scroll{overflow-x:auto;margin:8px 0 12px}
table.data{border-collapse:collapse;min-width:50%;font-size:.9rem}
table.data caption{text-align:left;font-weight:600;padding:4px 0;caption-side:top}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:4px 12px 4px 0;text-align:left;vertical-align:top;white-space:nowrap}
table.data th{font-weight:600;color:var(--muted);font-size:.82rem;text-transform:none}
table.data td.wrap{white-space:normal;overflow-wrap:anywhere}
table.data .num{text-align:right;font-variant-numeric:tabular-nums}
table.data tbody tr:hover{background:var(--soft)}
.bad{color:var(--bad);font-weight:600}.warn{color:var(--warn)}.dim{color:var(--dim)}.good{color:var(--good)}
pre{background:var(--code-bg);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow:auto;margin:6px 0 10px;line-height:1.35}
pre.trace{max-height:none}
pre.verbatim{max-height:32em;white-space:pre}
details{margin:8px 0}
details>summary{cursor:pointer;color:var(--accent);font-size:.9rem}
figure{margin:10px 0 14px}
figcaption{font-weight:600;font-size:.9rem;margin-bottom:4px}
.chart{overflow-x:auto}
svg.chart-svg{display:block;max-width:100%;height:auto}
svg text{fill:var(--fg);font:12px system-ui,sans-serif}
svg text.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:11px}
svg text.muted{fill:var(--muted)}
svg .cell{fill:var(--cell)}svg .aff{fill:var(--aff)}svg .on{fill:var(--on)}svg .run{fill:var(--run)}
svg .queued{fill:var(--queued)}svg .idle{fill:var(--idle)}svg .track{fill:var(--soft);stroke:var(--line)}
svg .n0{fill:var(--n0)}svg .n1{fill:var(--n1)}svg .n2{fill:var(--n2)}svg .n3{fill:var(--n3)}
svg .n4{fill:var(--n4)}svg .n5{fill:var(--n5)}svg .n6{fill:var(--n6)}svg .n7{fill:var(--n7)}
svg text.on-dark{fill:#fff}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.82rem;color:var(--muted);margin:4px 0 0;padding:0;list-style:none}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.filter{margin:4px 0;padding:3px 8px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg);font:inherit;font-size:.85rem;width:16em}
button.tool{font:inherit;font-size:.82rem;border:1px solid var(--line);border-radius:6px;background:var(--soft);color:var(--fg);padding:2px 10px;cursor:pointer;margin-left:8px}
footer{max-width:1240px;margin:0 auto;padding:0 28px 30px;color:var(--muted);font-size:.82rem}
@media print{html,body{background:#fff;color:#000}header.top{position:static;border:0}nav,.filter,button.tool{display:none}
section.card,.event{border-color:#bbb;break-inside:auto}pre.verbatim{max-height:none;white-space:pre-wrap}main{padding:0}a{color:#000}}
`;

// Progressive only: without it every table and section is complete; with it, long tables get a filter
// box and the page an "expand all" for the verbatim blocks (and prints with them open).
const SCRIPT = `
(function(){
  document.querySelectorAll('table.data[data-filter]').forEach(function(t){
    var box=document.createElement('input');box.type='search';box.className='filter';
    box.placeholder='Filter rows…';box.setAttribute('aria-label','Filter the rows of '+(t.caption?t.caption.textContent:'this table'));
    box.addEventListener('input',function(){var q=box.value.toLowerCase();
      t.querySelectorAll('tbody tr').forEach(function(r){r.hidden=q!==''&&r.textContent.toLowerCase().indexOf(q)<0;});});
    t.parentNode.parentNode.insertBefore(box,t.parentNode);
  });
  var h=document.querySelector('header.top h1');
  var all=document.querySelectorAll('details.verbatim');
  if(h&&all.length){var b=document.createElement('button');b.className='tool';b.type='button';b.textContent='Expand all output';
    b.addEventListener('click',function(){var open=b.textContent.indexOf('Expand')===0;all.forEach(function(d){d.open=open;});
      b.textContent=open?'Collapse all output':'Expand all output';});h.appendChild(b);}
})();
`;
