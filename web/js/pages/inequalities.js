// inequalities.js - who waits longer (GET /measures/rtt,
// docs/waiting-list.md): the share of patients waiting over 18 weeks, and
// the median wait, by deprivation (IMD), ethnic group, age band or sex, for
// a practice, a trust or service, the ICB or England.  A Chart.js bar chart,
// the same numbers in a table, and a CSV download.

import { startPage } from '../components/header.js';
import { cellHeading } from '../components/summary.js';
import { responsiveTable } from '../components/table.js';
import { api, apiBlob } from '../lib/api.js';
import { icbPractices } from '../lib/directory.js';
import { param, setTitle } from '../lib/dom.js';
import { showApiError, showErrorSummary } from '../lib/error-summary.js';
import { formatDate } from '../lib/format.js';
import { html, raw, render } from '../lib/html.js';
import { isIcb, isPractice, isTrust } from '../lib/roles.js';
import { DIMENSIONS } from '../lib/rtt.js';

const main = document.getElementById('maincontent');
let me = null;
let chart = null;

const NONE = raw('<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no one</span>');

// The populations this role may look at: [{value: "kind:code", kind, code, label, group}].
function scopesFor(services, practices) {
  const org = me.organisation || {};
  const out = [];
  if (isPractice(me)) {
    out.push({ kind: 'practice', code: org.code, label: `${org.name} (your practice)`, group: 'Practice' });
  } else if (isTrust(me)) {
    out.push({ kind: 'trust', code: org.code, label: `${org.name} (whole trust)`, group: 'Trust' });
    for (const s of services.filter((x) => x.trust && x.trust.code === org.code)) {
      out.push({ kind: 'service', code: String(s.id), label: s.name, group: 'Services' });
    }
  } else if (isIcb(me)) {
    if (me.role === 'icb_analyst') out.push({ kind: 'icb', code: org.code, label: `${org.name} (patients living in the ICB)`, group: 'ICB' });
    out.push({ kind: 'national', code: '', label: 'England (everyone in Seam)', group: 'National' });
    const trusts = new Map();
    for (const s of services) if (s.trust && !trusts.has(s.trust.code)) trusts.set(s.trust.code, s.trust);
    for (const t of [...trusts.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
      out.push({ kind: 'trust', code: t.code, label: t.name, group: 'Trusts' });
    }
    for (const p of practices) out.push({ kind: 'practice', code: p.code, label: `${p.name} (${p.code})`, group: 'Practices' });
  }
  for (const s of out) s.value = `${s.kind}:${s.code}`;
  return out;
}

function scopeQuery(scope) {
  if (!scope || scope.kind === 'national') return {};
  return { [scope.kind]: scope.code };
}

function filters(scopes, scope, by) {
  const groups = new Map();
  for (const s of scopes) {
    if (!groups.has(s.group)) groups.set(s.group, []);
    groups.get(s.group).push(s);
  }
  const sel = (a, b) => (a === b ? raw(' selected') : '');
  return html`
    <form method="get" action="inequalities.html" class="seam-filters" id="filters" novalidate>
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="scope">Population</label>
        <select class="nhsuk-select" id="scope" name="scope"${scopes.length < 2 ? raw(' disabled') : ''}>
          ${groups.size > 1
            ? [...groups.entries()].map(([g, list]) => html`<optgroup label="${g}">${list.map((s) => html`<option value="${s.value}"${sel(s.value, scope.value)}>${s.label}</option>`)}</optgroup>`)
            : scopes.map((s) => html`<option value="${s.value}"${sel(s.value, scope.value)}>${s.label}</option>`)}
        </select>
      </div>
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="by">Compare by</label>
        <select class="nhsuk-select" id="by" name="by">
          ${DIMENSIONS.map((d) => html`<option value="${d.value}"${sel(d.value, by)}>${d.label}</option>`)}
        </select>
      </div>
      <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small seam-filters__button" type="submit">Show</button>
    </form>`;
}

function pct(v) {
  return v === null || v === undefined ? NONE : `${Number(v).toFixed(1)}%`;
}

function num(v) {
  return v === null || v === undefined ? NONE : Number(v).toLocaleString('en-GB');
}

function weeks(v) {
  return v === null || v === undefined ? NONE : Number(v).toFixed(1);
}

function dimensionLabel(by) {
  const d = DIMENSIONS.find((x) => x.value === by);
  return d ? d.label : by;
}

function byText(by) {
  return { imd_decile: 'IMD decile', imd_quintile: 'IMD quintile', ethnicity: 'ethnic group', age_band: 'age band', sex: 'sex' }[by] || 'group';
}

function groupHeading(by) {
  return { imd_decile: 'IMD decile', imd_quintile: 'IMD quintile', ethnicity: 'Ethnic group', age_band: 'Age band', sex: 'Sex' }[by] || 'Group';
}

// "Patients in the most deprived tenth ... 12.3 percentage points more ..."
function gapSentence(data) {
  const gap = data.gap;
  if (!gap) return '';
  const groups = data.groups || [];
  const most = groups.find((g) => String(g.group) === String(gap.most_deprived));
  const least = groups.find((g) => String(g.group) === String(gap.least_deprived));
  const unit = data.by === 'imd_quintile' ? 'fifth' : 'tenth';
  if (!most || !least || gap.pct_over_18_weeks === null || gap.pct_over_18_weeks === undefined) {
    return html`<p class="nhsuk-body" id="gap-sentence">There are not enough patients in both the most and the least deprived ${unit} of areas to compare them.</p>`;
  }
  const d = Number(gap.pct_over_18_weeks);
  const size = Math.abs(d).toFixed(1);
  const mw = gap.median_weeks;
  return html`
    <div class="nhsuk-inset-text" id="gap-sentence">
      <span class="nhsuk-u-visually-hidden">Information: </span>
      <p>${d === 0
        ? html`Patients from the most deprived ${unit} of areas are as likely to have waited over 18 weeks as those from the least deprived (${pct(most.pct_over_18_weeks)}).`
        : html`In the most deprived ${unit} of areas, <strong>${pct(most.pct_over_18_weeks)}</strong> of patients have waited over 18 weeks, against <strong>${pct(least.pct_over_18_weeks)}</strong> in the least deprived: <strong>${size} percentage points ${d > 0 ? 'higher' : 'lower'}</strong>.`}
      ${mw !== null && mw !== undefined ? html`The median wait there is ${Number(mw) === 0 ? 'the same' : html`${Math.abs(Number(mw)).toFixed(1)} weeks ${Number(mw) > 0 ? 'longer' : 'shorter'}`} (${weeks(most.median_weeks)} against ${weeks(least.median_weeks)} weeks).` : ''}</p>
    </div>`;
}

function tableRow(g, total, by) {
  const tag = total ? 'th' : 'td';
  return html`
    <tr class="nhsuk-table__row${total ? ' seam-row--total' : ''}" role="row"${total ? raw(' id="rtt-total"') : html` data-group="${g.group}"`}>
      <${tag} class="nhsuk-table__cell" role="${total ? 'rowheader' : 'cell'}"${total ? raw(' scope="row"') : ''}>${cellHeading(groupHeading(by))}<span>${total ? 'Everyone' : g.label || g.group}</span></${tag}>
      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell" data-measure="waiting">${cellHeading('Waiting')}<span>${num(g.waiting)}</span></td>
      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell" data-measure="over_18_weeks">${cellHeading('Over 18 weeks')}<span>${num(g.over_18_weeks)}</span></td>
      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell" data-measure="pct_over_18_weeks">${cellHeading('% over 18 weeks')}<span>${pct(g.pct_over_18_weeks)}</span></td>
      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell" data-measure="median_weeks">${cellHeading('Median wait (weeks)')}<span>${weeks(g.median_weeks)}</span></td>
      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell" data-measure="over_52_weeks">${cellHeading('Over 52 weeks')}<span>${num(g.over_52_weeks)}</span></td>
      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell" data-measure="pct_over_52_weeks">${cellHeading('% over 52 weeks')}<span>${pct(g.pct_over_52_weeks)}</span></td>
    </tr>`;
}

function table(data) {
  return html`
    ${responsiveTable({
      id: 'rtt-table',
      className: 'seam-measures',
      caption: `Waiting times by ${byText(data.by)}`,
      captionClass: '',
      headers: [{ text: groupHeading(data.by) }, { text: 'Waiting', className: 'nhsuk-table__header--numeric' }, { text: 'Over 18 weeks', className: 'nhsuk-table__header--numeric' }, { text: '% over 18 weeks', className: 'nhsuk-table__header--numeric' }, { text: 'Median wait (weeks)', className: 'nhsuk-table__header--numeric' }, { text: 'Over 52 weeks', className: 'nhsuk-table__header--numeric' }, { text: '% over 52 weeks', className: 'nhsuk-table__header--numeric' }],
      body: html`
          ${(data.groups || []).map((g) => tableRow(g, false, data.by))}
          ${data.total ? tableRow(data.total, true, data.by) : ''}
        `,
    })}`;
}

// NHS identity colours: blue bars, dark grey median line.
const BLUE = '#005eb8';
const DARK = '#212b32';
const ORANGE = '#ed8b00';

function drawChart(canvas, data) {
  const Chart = window.Chart;
  if (!Chart) return false;
  const groups = data.groups || [];
  const labels = groups.map((g) => g.label || g.group);
  if (chart) chart.destroy();
  chart = new Chart(canvas, {
    data: {
      labels,
      datasets: [
        {
          type: 'bar', label: '% waiting over 18 weeks', data: groups.map((g) => g.pct_over_18_weeks),
          backgroundColor: BLUE, yAxisID: 'y', order: 2,
        },
        {
          type: 'line', label: 'Median wait (weeks)', data: groups.map((g) => g.median_weeks),
          borderColor: ORANGE, backgroundColor: ORANGE, pointRadius: 5, pointStyle: 'rectRot', showLine: false,
          yAxisID: 'y1', order: 1,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      color: DARK,
      font: { family: 'Frutiger W01, Arial, sans-serif', size: 14 },
      plugins: {
        legend: { position: 'bottom', labels: { color: DARK, font: { size: 14 }, sort: (a, b) => a.datasetIndex - b.datasetIndex } },
        tooltip: {
          callbacks: {
            label: (ctx) => (ctx.dataset.yAxisID === 'y'
              ? ` ${ctx.parsed.y === null ? 'no one' : `${ctx.parsed.y.toFixed(1)}% over 18 weeks`}`
              : ` median ${ctx.parsed.y === null ? '–' : `${ctx.parsed.y} weeks`}`),
          },
        },
      },
      scales: {
        x: { ticks: { color: DARK, autoSkip: false, maxRotation: 45 }, grid: { display: false } },
        y: {
          beginAtZero: true, suggestedMax: 50, position: 'left',
          title: { display: true, text: '% waiting over 18 weeks', color: DARK },
          ticks: { color: DARK, callback: (v) => `${v}%` },
        },
        y1: {
          beginAtZero: true, position: 'right', grid: { drawOnChartArea: false },
          title: { display: true, text: 'Median wait (weeks)', color: DARK },
          ticks: { color: DARK },
        },
      },
    },
  });
  return true;
}

function chartSummary(data) {
  const groups = (data.groups || []).filter((g) => g.pct_over_18_weeks !== null && g.pct_over_18_weeks !== undefined);
  if (!groups.length) return 'No one is waiting in this population.';
  const hi = groups.reduce((a, b) => (b.pct_over_18_weeks > a.pct_over_18_weeks ? b : a));
  const lo = groups.reduce((a, b) => (b.pct_over_18_weeks < a.pct_over_18_weeks ? b : a));
  return `Bar chart of the percentage waiting over 18 weeks by ${byText(data.by)}: highest ${hi.label || hi.group} at ${hi.pct_over_18_weeks.toFixed(1)}%, lowest ${lo.label || lo.group} at ${lo.pct_over_18_weeks.toFixed(1)}%. The table below has every number.`;
}

function csvName(data) {
  const code = (data.scope && (data.scope.code || data.scope.kind)) || 'national';
  return `rtt-${code}-${data.by}-${data.census_date || 'today'}.csv`.replace(/[^A-Za-z0-9._-]/g, '-');
}

async function downloadCsv(ev, query, data) {
  ev.preventDefault();
  const link = ev.currentTarget;
  const errors = document.getElementById('errors');
  try {
    const { blob } = await apiBlob('/measures/rtt', { query: { ...query, format: 'csv' }, accept: 'text/csv' });
    const file = new Blob([blob], { type: 'text/csv' });
    const url = URL.createObjectURL(file);
    const a = document.createElement('a');
    a.href = url;
    a.download = csvName(data);
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    link.focus();
  } catch (e) {
    showErrorSummary(errors, [{ text: `The CSV file could not be downloaded: ${e.message}` }]);
  }
}

async function load() {
  me = await startPage('inequalities.html');
  setTitle('Waiting time inequalities');
  let services = [];
  try {
    services = ((await api('/services')) || {}).services || [];
  } catch {
    services = [];
  }
  const practices = await icbPractices(me);
  const scopes = scopesFor(services, practices);
  const intro = html`
    <h1 class="nhsuk-u-margin-bottom-3">Waiting time inequalities</h1>
    <p class="nhsuk-body-l">Do some groups of patients wait longer for hospital treatment than others? The share waiting over 18 weeks, and the median wait, for everyone on the waiting list now.</p>
    <div id="errors" hidden></div>`;
  if (!scopes.length) {
    render(main, html`${intro}<p>Your role cannot see the waiting time measures.</p>`);
    return;
  }
  const asked = param('scope');
  const scope = scopes.find((s) => s.value === asked) || scopes[0];
  const by = DIMENSIONS.some((d) => d.value === param('by')) ? param('by') : 'imd_decile';
  const query = { ...scopeQuery(scope), by };

  let data;
  try {
    data = await api('/measures/rtt', { query });
  } catch (e) {
    render(main, html`${intro}${filters(scopes, scope, by)}`);
    showApiError(document.getElementById('errors'), e, { trust: 'scope', service: 'scope', practice: 'scope', icb: 'scope', by: 'by' });
    return;
  }
  const name = (data.scope && data.scope.name) || scope.label;
  const t = data.total || {};
  setTitle(`Waiting time inequalities: ${name}`);
  render(main, html`
    ${intro}
    ${filters(scopes, scope, by)}
    <h2 class="nhsuk-heading-l nhsuk-u-margin-bottom-2" id="rtt-heading"><span class="nhsuk-caption-m">${name}</span>${dimensionLabel(data.by || by)}</h2>
    <p class="nhsuk-body" id="rtt-summary" role="status">
      On ${formatDate(data.census_date)}: <strong>${num(t.waiting)}</strong> waiting, <strong>${pct(t.pct_over_18_weeks)}</strong> over 18 weeks,
      median wait <strong>${weeks(t.median_weeks)} weeks</strong>, <strong>${num(t.over_52_weeks)}</strong> over 52 weeks.
    </p>
    ${gapSentence(data)}
    ${t.waiting && !t.over_18_weeks ? html`<p class="nhsuk-body" id="none-over-18">No one in this population has waited over 18 weeks, so the chart shows only the median wait.</p>` : ''}
    <div class="seam-chart">
      <canvas id="rtt-chart" role="img" aria-label="${chartSummary(data)}">${chartSummary(data)}</canvas>
    </div>
    ${table(data)}
    <p class="nhsuk-body">
      <a class="nhsuk-link" href="#" id="download-csv" download="${csvName(data)}">Download CSV<span class="nhsuk-u-visually-hidden"> of waiting times by ${byText(data.by)} for ${name}</span></a>
    </p>
    <h2 class="nhsuk-heading-s">About these numbers</h2>
    <ul class="nhsuk-list nhsuk-list--bullet nhsuk-body-s" id="rtt-notes">
      <li>Everyone on the waiting list (an incomplete referral to treatment pathway) on the census date. Patients who missed their first appointment are not counted.</li>
      <li><strong>Over 18 weeks</strong>: waited more than 126 days since the clock started. <strong>Median wait</strong>: half of the group have waited longer.</li>
      <li>Deprivation is the Index of Multiple Deprivation (IMD) of the patient's home area: decile 1 is the most deprived tenth of areas in England.</li>
      <li>Groups come from patients' recorded details. “Not known” (or “Not stated” for ethnic group) collects everyone whose details are not recorded. A dash means the group has no one in it.</li>
    </ul>
  `);
  if (!drawChart(document.getElementById('rtt-chart'), data)) {
    showErrorSummary(document.getElementById('errors'), [{ text: 'The chart could not be drawn. The table has the same numbers.' }], { focus: false });
  }
  document.getElementById('download-csv').addEventListener('click', (ev) => downloadCsv(ev, query, data));
}

load();
