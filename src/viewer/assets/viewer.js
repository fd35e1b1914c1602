/*
 * The web viewer's script: progressive enhancement only. The page is complete without it
 * (server-rendered report); this adds a filter box and sortable columns to the package table
 * and a minimum-severity filter to the alerts.
 *
 * Rules it keeps, because the page shows text chosen by package authors and the CSP requires
 * Trusted Types with no policy: the DOM is built with createElement and textContent only (no
 * innerHTML, outerHTML, insertAdjacentHTML, document.write, eval or string timers), nothing
 * is fetched, and nothing is read from the URL.
 */
'use strict';

(function () {
  /** Numbers sort by value; empty cells (not analysed) always go last. */
  function numberKey(text) {
    const t = text.trim();
    return t === '' ? undefined : Number(t);
  }

  /** 1.10.0 after 1.9.0: numeric parts compare as numbers. */
  function compareVersions(a, b) {
    const pa = a.split(/[.+-]/);
    const pb = b.split(/[.+-]/);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const x = pa[i] === undefined ? '' : pa[i];
      const y = pb[i] === undefined ? '' : pb[i];
      if (x === y) continue;
      const nx = /^\d+$/.test(x) ? Number(x) : NaN;
      const ny = /^\d+$/.test(y) ? Number(y) : NaN;
      if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
      return x < y ? -1 : 1;
    }
    return 0;
  }

  function cellText(row, index) {
    const cell = row.cells[index];
    if (cell === undefined) return '';
    const value = cell.getAttribute('data-value');
    return value === null ? cell.textContent || '' : value;
  }

  function enhanceTable(table) {
    const body = table.tBodies[0];
    const head = table.tHead;
    if (body === undefined || head === null) return;
    const headers = Array.from(head.rows[0].cells);
    const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
    const original = Array.from(body.rows);
    let sortedBy = -1;
    let ascending = true;

    function sortBy(index, kind) {
      ascending = sortedBy === index ? !ascending : true;
      sortedBy = index;
      const direction = ascending ? 1 : -1;
      const rows = original.slice();
      rows.sort(function (ra, rb) {
        const a = cellText(ra, index);
        const b = cellText(rb, index);
        if (kind === 'number') {
          const na = numberKey(a);
          const nb = numberKey(b);
          if (na === undefined || nb === undefined)
            return na === nb ? 0 : na === undefined ? 1 : -1;
          return (na - nb) * direction;
        }
        if (kind === 'version') return compareVersions(a, b) * direction;
        return collator.compare(a, b) * direction;
      });
      for (const row of rows) body.appendChild(row);
      headers.forEach(function (th, i) {
        if (i === index) th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        else th.removeAttribute('aria-sort');
      });
    }

    headers.forEach(function (th, index) {
      const kind = th.getAttribute('data-sort');
      if (kind === null) return;
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = th.textContent;
      button.addEventListener('click', function () {
        sortBy(index, kind);
      });
      th.textContent = '';
      th.appendChild(button);
    });

    const tools = document.querySelector('[data-tools-for="' + table.id + '"]');
    if (tools === null) return;
    const input = tools.querySelector('input');
    const status = tools.querySelector('[role="status"]');
    if (input === null) return;
    function applyFilter() {
      const needle = input.value.trim().toLowerCase();
      let shown = 0;
      for (const row of original) {
        const match = needle === '' || (row.textContent || '').toLowerCase().includes(needle);
        row.hidden = !match;
        if (match) shown++;
      }
      if (status !== null)
        status.textContent = shown + ' of ' + original.length + ' packages shown';
    }
    input.addEventListener('input', applyFilter);
    tools.hidden = false;
  }

  const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };

  function enhanceAlerts(section) {
    const tools = section.querySelector('[data-tools-for="alerts"]');
    if (tools === null) return;
    const select = tools.querySelector('select');
    const status = tools.querySelector('[role="status"]');
    if (select === null) return;
    const groups = Array.from(section.querySelectorAll('[data-severity]'));
    function applyFilter() {
      const limit = SEVERITY_RANK[select.value];
      let shown = 0;
      for (const group of groups) {
        const rank = SEVERITY_RANK[group.getAttribute('data-severity')];
        const visible = limit === undefined || (rank !== undefined && rank <= limit);
        group.hidden = !visible;
        if (visible) shown += group.querySelectorAll('details.alert').length;
      }
      if (status !== null) status.textContent = shown + ' alerts shown';
    }
    select.addEventListener('change', applyFilter);
    tools.hidden = false;
  }

  function start() {
    const table = document.getElementById('package-table');
    if (table !== null) enhanceTable(table);
    const alerts = document.getElementById('alerts');
    if (alerts !== null) enhanceAlerts(alerts);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
