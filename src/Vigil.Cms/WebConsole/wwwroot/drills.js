// Failover drills: the history (newest first) and one drill's report, with pass or fail per threshold. A running
// drill's page follows it by itself; the live stream's snapshots carry no drills, so the page asks the CMS again.
import { call, routes } from './api.js';
import { formatBytes, formatTime, h } from './ui.js';

const RESULTS = { running: 'Running', passed: 'Passed', failed: 'Failed', aborted: 'Aborted', interrupted: 'Interrupted' };
const TONES = { running: 'busy', passed: 'ok', failed: 'bad', aborted: 'warn', interrupted: 'warn' };
let timer = null;

const seconds = (value) => (value === null || value === undefined ? '–' : value.toFixed(1));

/** Shows the drill history, and the report of the drill named by ?id= (else the newest). */
export async function render(root) {
  clearTimeout(timer);
  const chosen = Number(new URLSearchParams(location.search).get('id')) || null;
  const { drills } = await call('GET', `${routes.drills}?limit=100`);
  const shown = drills.find((d) => d.id === chosen) ?? (chosen ? await call('GET', `${routes.drills}/${chosen}`) : drills[0]);
  root.replaceChildren(h('section', { class: 'page drills-page' },
    h('h1', {}, 'Failover drills'),
    h('p', { class: 'hint' }, 'A drill fails a recording server over to a standby, holds, fails back and restores, then reports the takeover time, the gap of each camera and the footage restored. Run one from the Failover servers page: select a recording server, then Advanced ▸ Run drill.'),
    shown ? report(shown) : null,
    drills.length ? historyTable(drills, shown) : h('p', { class: 'empty' }, 'No drill has run yet.')));
  // Only while this page is shown and a drill runs.
  if (drills.some((d) => d.state === 'running')) {
    timer = setTimeout(() => {
      if (location.pathname === '/drills') render(root).catch(() => {});
    }, 1000);
  }
}

function historyTable(drills, shown) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'drills' },
    h('caption', {}, 'History'),
    h('thead', {}, h('tr', {}, ['Server', 'When', 'Result', 'Takeover (s)', 'Worst gap (s)', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, drills.map((d) => h('tr', { class: d.id === shown?.id ? 'selected' : '', dataset: { drill: String(d.id), server: d.serverName } },
      h('th', { scope: 'row' }, d.serverName),
      h('td', { class: 'nowrap' }, formatTime(d.startedAt)),
      h('td', {}, badge(d)),
      h('td', { class: 'num' }, seconds(d.takeoverSeconds)),
      h('td', { class: 'num' }, seconds(d.worstGapSeconds)),
      h('td', {}, h('a', { href: `/drills?id=${d.id}`, onclick: (event) => openReport(event, d.id) }, 'Report')))))));
}

function openReport(event, id) {
  event.preventDefault();
  history.pushState(null, '', `/drills?id=${id}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

function badge(drill) {
  return h('span', { class: `badge ${TONES[drill.state] ?? ''}`, dataset: { state: drill.state } },
    drill.state === 'running' ? `Running: ${drill.step}` : RESULTS[drill.state] ?? drill.state);
}

function report(drill) {
  const threshold = (t) => h('tr', { dataset: { threshold: t.name } },
    h('th', { scope: 'row' }, t.name === 'takeover' ? 'Takeover time' : 'Camera-time gap (worst)'),
    h('td', { class: 'num' }, `${seconds(t.measuredSeconds)} s`),
    h('td', { class: 'num' }, `≤ ${seconds(t.limitSeconds)} s`),
    h('td', { class: 'verdict' }, drill.state === 'running' || t.measuredSeconds === null ? '–' : t.passed ? 'Pass' : 'Fail'));
  return h('section', { class: 'drill-report', 'aria-label': `Drill ${drill.id} report` },
    h('h2', {}, `Drill ${drill.id} of ${drill.serverName} `, badge(drill)),
    h('p', { class: 'muted' }, `${drill.trigger === 'scheduled' ? 'Scheduled' : `Asked by ${drill.actor}`} · started ${formatTime(drill.startedAt)}`,
      drill.standbyName ? ` · standby ${drill.standbyName}` : '', ` · held ${drill.holdSeconds} s`, drill.endedAt ? ` · ended ${formatTime(drill.endedAt)}` : ''),
    h('table', { class: 'thresholds' },
      h('thead', {}, h('tr', {}, ['', 'Measured', 'Threshold', 'Result'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, drill.thresholds.map(threshold))),
    drill.cameras.length ? h('table', { class: 'cameras' },
      h('thead', {}, h('tr', {}, ['Camera', 'Standby footage from', 'Gap (s)', 'Own longest gap (s)', 'Own segments'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, drill.cameras.map((c) => h('tr', {},
        h('th', { scope: 'row' }, c.camera),
        h('td', {}, c.standbyFirstSegmentStart ? formatTime(c.standbyFirstSegmentStart) : '–'),
        h('td', { class: 'num' }, seconds(c.gapSeconds)),
        h('td', { class: 'num' }, seconds(c.ownLongestGapSeconds)),
        h('td', { class: 'num' }, c.ownSegments))))) : null,
    h('p', { class: 'restored' }, `Restored ${drill.restoredFiles} files (${formatBytes(drill.restoredBytes)}); standby files home by checksum: ${drill.standbyFilesHome} of ${drill.standbyFilesSeen}.`),
    drill.reasons.length ? h('ul', { class: 'reasons' }, drill.reasons.map((r) => h('li', {}, r))) : null);
}
