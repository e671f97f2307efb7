/** Inline stylesheet of the HTML report (no web fonts: system font stacks only). */
export const REPORT_CSS = `
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#dadce0;--bg:#fff;--head:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1280px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta{color:var(--muted);margin:0 0 16px}
.summary{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.summary>div:last-child{flex:1 1 420px}
.gauge{width:240px;height:auto}.gauge-value{font-size:34px;font-weight:700;fill:var(--fg)}.gauge-label{font-size:11px;fill:var(--muted)}
.charts{display:flex;flex-wrap:wrap;gap:24px}.chart-box{margin:0;flex:1 1 480px}.chart-box figcaption{font-weight:600;margin-bottom:4px}
.chart.bars{width:100%;max-width:640px;height:auto}.bar-label,.bar-value,.legend{font-size:12px;fill:var(--fg)}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--head);position:sticky;top:0}
td ul{margin:0;padding-left:16px}td pre{white-space:pre-wrap;margin:0;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.status{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.status-fail{background:#c62828}.status-warn{background:#ef8f00}.status-error{background:#6a1b9a}.status-waived{background:#1565c0}.status-pass{background:#2e7d32}.status-skip{background:#9e9e9e}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:8px 0}
.filters input,.filters select{font:inherit;padding:4px 6px}
.pager{display:flex;gap:12px;align-items:center;margin:8px 0}.pager button{font:inherit;padding:2px 10px}
dl.inventory{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dl.inventory dt{font-weight:600}
.notice{border-left:4px solid #ef8f00;padding:4px 8px;margin:4px 0;background:#fff8e1}.notice.expired{border-color:#c62828;background:#ffebee}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
@media print{
  body{max-width:none;padding:0;font-size:11px}
  .filters,.pager{display:none}
  tr[hidden]{display:table-row!important}
  th{position:static}
  tr,figure,.notice{break-inside:avoid}
  .status{color:#000;border:1px solid #000;background:none!important}
  a{color:inherit;text-decoration:none}
}`

/**
 * The only script (no network, no external code): filters the rules table, searches the fleet's
 * hosts table, and pages through tables with data-page-size (the page's rows are shown, the rest
 * hidden; without the script the first page shows).
 */
export const REPORT_JS = `(function () {
  function byId(id) { return document.getElementById(id); }
  function rowsOf(table) { return Array.prototype.slice.call(table.tBodies[0].rows); }
  function button(text, label) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    return b;
  }
  function paged(table, nav) {
    var rows = rowsOf(table);
    var size = Number(table.getAttribute('data-page-size')) || 0;
    var matched = rows;
    var page = 0;
    var prev, next, label;
    if (size && nav) {
      prev = button('\u2039 previous', 'previous page');
      next = button('next \u203a', 'next page');
      label = document.createElement('span');
      label.className = 'page-label';
      nav.appendChild(prev);
      nav.appendChild(label);
      nav.appendChild(next);
      prev.addEventListener('click', function () { page--; show(); });
      next.addEventListener('click', function () { page++; show(); });
    }
    function pages() { return size ? Math.max(1, Math.ceil(matched.length / size)) : 1; }
    function show() {
      page = Math.max(0, Math.min(page, pages() - 1));
      var from = size ? page * size : 0;
      var to = size ? from + size : matched.length;
      rows.forEach(function (row) { row.hidden = true; });
      for (var i = from; i < to && i < matched.length; i++) matched[i].hidden = false;
      if (label) {
        label.textContent = 'page ' + (page + 1) + ' of ' + pages();
        prev.disabled = page === 0;
        next.disabled = page >= pages() - 1;
      }
    }
    return {
      rows: rows,
      size: size,
      set: function (list) { matched = list; page = 0; show(); }
    };
  }
  function counted(count, shown, total, size) {
    if (count) count.textContent = shown + ' of ' + total + (size ? ' match' : ' shown');
  }
  var table = byId('rules');
  if (table) {
    var rules = paged(table, byId('rules-pages'));
    var text = byId('filter-text');
    var status = byId('filter-status');
    var severity = byId('filter-severity');
    var host = byId('filter-host');
    var lower = rules.rows.map(function (row) { return row.textContent.toLowerCase(); });
    var apply = function () {
      var q = text.value.trim().toLowerCase();
      var list = rules.rows.filter(function (row, i) {
        return (!status.value || row.getAttribute('data-status') === status.value) &&
          (!severity.value || row.getAttribute('data-severity') === severity.value) &&
          (!host || !host.value || row.getAttribute('data-host') === host.value) &&
          (!q || lower[i].indexOf(q) !== -1);
      });
      rules.set(list);
      counted(byId('filter-count'), list.length, rules.rows.length, rules.size);
    };
    [text, status, severity, host].forEach(function (el) { if (el) el.addEventListener('input', apply); });
    apply();
  }
  var hosts = byId('hosts');
  if (hosts) {
    var hostRows = paged(hosts, byId('hosts-pages'));
    var search = byId('hosts-text');
    var hostText = hostRows.rows.map(function (row) { return row.textContent.toLowerCase(); });
    var filterHosts = function () {
      var q = search ? search.value.trim().toLowerCase() : '';
      var list = hostRows.rows.filter(function (row, i) { return !q || hostText[i].indexOf(q) !== -1; });
      hostRows.set(list);
      counted(byId('hosts-count'), list.length, hostRows.rows.length, hostRows.size);
    };
    if (search) search.addEventListener('input', filterHosts);
    filterHosts();
  }
  var top = byId('top-failures');
  if (top && top.tBodies && top.tBodies[0]) {
    var topRows = paged(top, byId('top-failures-pages'));
    topRows.set(topRows.rows);
  }
  document.body.setAttribute('data-ready', 'true');
})();`
