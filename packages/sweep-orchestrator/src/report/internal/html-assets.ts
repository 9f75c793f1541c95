// The dashboard's only stylesheet and script, inlined so the file works offline from
// any disk or web server; the page's Content-Security-Policy admits exactly these two.

import { OUTCOME_STYLE } from './outcomes.js';

const outcomeRules = Object.entries(OUTCOME_STYLE)
  .map(([outcome, style]) => `.o-${outcome}{background:${style.css}}`)
  .join('\n');

export const DASHBOARD_STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--alt:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 24px}
header{padding-top:20px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 10px}
.meta,footer{color:var(--muted)}
footer{padding-bottom:24px;font-size:12px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.summary{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:12px 0}
.badge{display:inline-block;color:#fff;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;letter-spacing:.02em;white-space:nowrap}
.o-unknown{background:#6e7781}
${outcomeRules}
.alert{border:1px solid #d4a72c;background:#fff8c5;border-radius:6px;padding:10px 14px;margin:12px 0}
.controls{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin-bottom:10px}
.controls input,.controls select{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px}
.controls input{width:260px}
#shown{color:var(--muted)}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
tbody tr:nth-child(even){background:var(--alt)}
th button{all:unset;cursor:pointer;font-weight:600}
th button:focus-visible{outline:2px solid #0969da;outline-offset:2px}
th[aria-sort=ascending] button::after{content:" \\25B2";font-size:10px}
th[aria-sort=descending] button::after{content:" \\25BC";font-size:10px}
td.reason{color:var(--muted);max-width:420px}
td code,td strong{white-space:nowrap}
.none{color:var(--muted)}
.timeline{list-style:none;margin:0;padding:0 0 0 18px;border-left:2px solid var(--line)}
.timeline li{position:relative;margin:0 0 10px;padding-left:6px}
.timeline li::before{content:"";position:absolute;left:-24px;top:6px;width:10px;height:10px;border-radius:50%;background:${OUTCOME_STYLE.PROMOTED.css}}
.timeline time{color:var(--muted);margin-right:8px}
.progress{border:1px solid #54aeff;background:#ddf4ff;border-radius:6px;padding:10px 14px;margin:12px 0}
.evidence{margin-top:4px;color:var(--fg);overflow-wrap:anywhere}
.evidence code{white-space:normal;background:#ffebe9;border-radius:4px;padding:0 3px}
.attempt{margin-top:2px;font-size:12px}
.verdict{display:inline-block;margin-left:6px;border:1px solid currentColor;border-radius:999px;padding:0 7px;font-size:11px;font-weight:600;white-space:nowrap}
.v-red,.v-regression,.v-timed-out{color:${OUTCOME_STYLE.FAILED.css}}
.v-always-failed,.v-flaky{color:${OUTCOME_STYLE['GREEN-BUT-PROMOTE-FAILED'].css}}
.v-green{color:${OUTCOME_STYLE.PROMOTED.css}}
tr.known-failed td:first-child{box-shadow:inset 4px 0 0 ${OUTCOME_STYLE.FAILED.css}}
.known{background:${OUTCOME_STYLE.FAILED.css};margin-left:6px}
td.logs{white-space:nowrap}
td.logs a{color:#0969da}
.history{list-style:none;margin:6px 0 12px;padding:0 0 0 12px}
.history time{color:var(--muted);margin-right:8px}
details{margin:4px 0}
@media (max-width:760px){header,main,footer{padding:0 10px}.controls input{width:100%}
#status thead tr{display:flex;flex-wrap:wrap;gap:4px 12px}#status th{border:0;padding:2px 0}
#status tbody tr{display:block;padding:8px 0;border-bottom:1px solid var(--line)}#status td{display:block;border:0;padding:1px 10px}
#status td:empty{display:none}td.reason{max-width:none}}
`;

export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var table = document.getElementById('status');
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var filter = document.getElementById('filter');
  var outcome = document.getElementById('outcome-filter');
  var shown = document.getElementById('shown');
  var collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  var sortCol = 0;
  var dir = 1;
  function keyOf(row, col) {
    var cell = row.cells[col];
    return cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent;
  }
  function compare(a, b) {
    var ka = keyOf(a, sortCol);
    var kb = keyOf(b, sortCol);
    if (ka === '' || kb === '') return ka === kb ? 0 : ka === '' ? 1 : -1;
    var numeric = heads[sortCol].getAttribute('data-type') === 'number';
    var c = numeric ? Number(ka) - Number(kb) : collator.compare(ka, kb);
    return c * dir || collator.compare(a.cells[0].textContent, b.cells[0].textContent);
  }
  function sort() {
    rows.slice().sort(compare).forEach(function (row) { tbody.appendChild(row); });
    heads.forEach(function (th, i) {
      th.setAttribute('aria-sort', i === sortCol ? (dir === 1 ? 'ascending' : 'descending') : 'none');
    });
  }
  function apply() {
    var q = filter.value.trim().toLowerCase();
    var o = outcome.value;
    var n = 0;
    rows.forEach(function (row) {
      var match = (!q || row.textContent.toLowerCase().indexOf(q) !== -1) && (!o || row.getAttribute('data-outcome') === o);
      row.hidden = !match;
      if (match) n += 1;
    });
    shown.textContent = n + ' of ' + rows.length + ' recipes shown';
  }
  heads.forEach(function (th, i) {
    var button = th.querySelector('button');
    if (!button) return;
    button.addEventListener('click', function () {
      if (i === sortCol) dir = -dir; else { sortCol = i; dir = 1; }
      sort();
    });
  });
  filter.addEventListener('input', apply);
  outcome.addEventListener('change', apply);
  sort();
  apply();
})();
`;
