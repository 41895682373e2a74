// Pulse questions: the facilitator asks everyone inside the company a short
// question ("which regions are affected?"); each person ticks what they
// believe until it closes (by the drill's clock); the facilitator sees how
// right and how united the team was, and everyone sees it after the end.
//
// Panels follow the others: built once, {el, update(state), pulse(state)};
// the checkboxes of an open question are kept while it is open, so a
// half-made answer survives every update.

import { h, fill, tr } from './dom.js';
import { t, getLang } from './i18n.js';
import { hhmm, duration } from './format.js';
import { panel } from './panels.js';
import { playing, nowTick, timeAt, openPulses, notePulseAnswer } from './state.js';

/** The question's text in the reader's language. */
export function pulseQuestionText(kind) {
  return t(`pulse.q_${kind}`);
}

/** The names of some options of a question (in option order). */
function optionNames(question, ids) {
  const names = (question.options || []).filter((o) => (ids || []).includes(o.id)).map((o) => o.name);
  return names.length ? names.join(', ') : t('pulse.nothing');
}

/**
 * One closed question's result: accuracy, agreement, and per option how
 * many picked it, with the options that were true marked. timeText(tick)
 * writes the time it was asked.
 */
export function pulseResultView(r, timeText) {
  const q = r.question;
  const answers = r.answers || 0;
  const truth = new Set(r.truth || []);
  return h('article', { class: 'pulse-result', dataset: { pulse: q.id } },
    h('p', { class: 'pulse-q' }, h('strong', { text: pulseQuestionText(q.kind) })),
    h('p', { class: 'hint pulse-meta', text: t('pulse.result_meta', { time: timeText(q.asked_tick), n: answers }) }),
    h('dl', { class: 'pulse-scores' },
      h('div', null, h('dt', { i18n: 'pulse.accuracy' }), h('dd', { class: 'pulse-accuracy', text: answers ? `${r.accuracy_pct} %` : '—' })),
      h('div', null, h('dt', { i18n: 'pulse.agreement' }), h('dd', { class: 'pulse-agreement', text: answers ? `${r.agreement_pct} %` : '—' }))),
    h('table', { class: 'pulse-picks' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col', i18n: 'pulse.option' }),
        h('th', { scope: 'col', i18n: 'pulse.picked' }),
        h('th', { scope: 'col', i18n: 'pulse.truth' }))),
      h('tbody', null, (q.options || []).map((o, i) => {
        const n = (r.picks || [])[i] || 0;
        const right = truth.has(o.id);
        return h('tr', { class: right ? 'pulse-true' : null, dataset: { option: o.id } },
          h('th', { scope: 'row', text: o.name }),
          h('td', { class: 'pulse-count' },
            h('meter', { min: 0, max: Math.max(1, answers), value: n, attrs: { 'aria-hidden': 'true' } }),
            h('span', { text: t('pulse.n_of', { n, total: answers }) })),
          h('td', null, right
            ? h('span', { class: 'pill pill-bad', text: t('pulse.affected') })
            : h('span', { class: 'muted', text: t('pulse.not_affected') })));
      }))));
}

/** Everyone inside (but observers): the open questions, to answer. */
export function pulseAnswerPanel(ctx) {
  const list = h('div', { class: 'pulse-open' });
  const el = panel('panel.pulse', list);
  el.id = 'pulse-panel';
  el.classList.add('panel-pulse');
  el.hidden = true;
  const rows = new Map();

  function makeRow(q) {
    const r = { id: q.id, dirty: false, sentPicks: undefined, boxes: [] };
    const legendId = `pulse-${q.id}-q`;
    r.legend = h('legend', { class: 'pulse-q', id: legendId });
    r.boxes = (q.options || []).map((o, i) => {
      const box = h('input', { type: 'checkbox', id: `pulse-${q.id}-opt-${i}`, value: o.id });
      box.addEventListener('change', () => {
        r.dirty = true;
        r.send.disabled = false;
      });
      return box;
    });
    r.options = h('div', { class: 'pulse-options' }, (q.options || []).map((o, i) => h('label', { class: 'check', htmlFor: r.boxes[i].id }, r.boxes[i], h('span', { text: o.name }))));
    r.hint = h('p', { class: 'hint', id: `pulse-${q.id}-hint`, i18n: 'pulse.pick_hint' });
    r.status = h('p', { class: 'pulse-status', id: `pulse-${q.id}-status` });
    r.left = h('p', { class: 'pulse-left countdown', id: `pulse-${q.id}-left` });
    r.send = h('button', { type: 'submit', class: 'btn btn-primary', id: `pulse-${q.id}-send`, i18n: 'pulse.send' });
    r.send.setAttribute('aria-describedby', `${r.hint.id} ${r.left.id}`);
    r.form = h('form', { class: 'pulse-form', dataset: { pulse: q.id } },
      h('fieldset', null, r.legend, r.options), r.hint, h('div', { class: 'pulse-foot' }, r.send, r.left), r.status);
    r.form.addEventListener('submit', (e) => {
      e.preventDefault();
      const picks = r.boxes.filter((b) => b.checked).map((b) => b.value);
      r.send.disabled = true;
      ctx.send({ type: 'answer_pulse', pulse: q.id, picks }, {
        onAck: () => {
          notePulseAnswer(ctx.get(), q.id, picks);
          r.dirty = false;
        },
        onSettled: () => {
          r.send.disabled = false;
          update(ctx.get());
        },
      });
    });
    rows.set(q.id, r);
    return r;
  }

  function update(state) {
    const open = openPulses(state);
    el.hidden = !open.length;
    const seen = new Set();
    open.forEach((p, i) => {
      const q = p.question;
      seen.add(q.id);
      const r = rows.get(q.id) || makeRow(q);
      if (list.children[i] !== r.form) list.insertBefore(r.form, list.children[i] || null);
      r.legend.textContent = pulseQuestionText(q.kind);
      // The server's picks (after a reconnect) unless a new answer is being made.
      const key = JSON.stringify(p.picks);
      if (!r.dirty && r.sentPicks !== key) {
        r.sentPicks = key;
        for (const b of r.boxes) b.checked = (p.picks || []).includes(b.value);
      }
      const answered = p.picks !== null && p.picks !== undefined;
      tr(r.send, answered ? 'pulse.change' : 'pulse.send');
      r.send.disabled = !playing(state) || !ctx.online() || (answered && !r.dirty);
      for (const b of r.boxes) b.disabled = !playing(state);
      r.status.hidden = !answered;
      if (answered) r.status.textContent = t('pulse.your_answer', { picks: optionNames(q, p.picks) });
    });
    for (const [id, r] of rows) {
      if (!seen.has(id)) {
        r.form.remove();
        rows.delete(id);
      }
    }
    pulse(state);
  }

  function pulse(state) {
    const open = openPulses(state);
    if (open.length !== rows.size || open.some((p) => !rows.has(p.question.id))) {
      update(state);
      return;
    }
    const now = nowTick(state);
    for (const p of open) {
      const r = rows.get(p.question.id);
      const text = t('pulse.closes', { time: hhmm(timeAt(state, p.question.closes_tick)), left: duration(p.question.closes_tick - now) });
      if (r.left.textContent !== text) r.left.textContent = text;
    }
  }
  return { el, update, pulse };
}

/** The facilitator: ask, watch the open questions, read the results. */
export function pulseFacilitatorPanel(ctx) {
  const askServices = h('button', { type: 'button', class: 'btn', id: 'pulse-ask-services', i18n: 'pulse.ask_services' });
  const askRegions = h('button', { type: 'button', class: 'btn', id: 'pulse-ask-regions', i18n: 'pulse.ask_regions' });
  const openList = h('ul', { class: 'pulse-open-list', id: 'pulse-open-list' });
  const results = h('div', { class: 'pulse-results', id: 'pulse-results' });
  const el = panel('panel.pulse_fac',
    h('p', { class: 'hint', i18n: 'pulse.ask_hint' }),
    h('div', { class: 'pulse-ask' }, askServices, askRegions),
    openList, results);
  el.id = 'pulse-fac-panel';
  let asking = false;
  const ask = (kind) => {
    asking = true;
    update(ctx.get());
    ctx.send({ type: 'ask_pulse', kind }, {
      onSettled: () => {
        asking = false;
        update(ctx.get());
      },
    });
  };
  askServices.addEventListener('click', () => ask('services'));
  askRegions.addEventListener('click', () => ask('regions'));
  let lefts = [];

  function update(state) {
    const live = playing(state) && ctx.online() && !asking;
    askServices.disabled = !live;
    askRegions.disabled = !live;
    const open = openPulses(state);
    const openKey = `${getLang()}|${open.map((p) => p.question.id).join(',')}`;
    if (openList.dataset.key !== openKey) {
      openList.dataset.key = openKey;
      lefts = [];
      fill(openList, open.map((p) => {
        const left = h('span', { class: 'countdown' });
        lefts.push({ q: p.question, left });
        return h('li', { class: 'pulse-open-item', dataset: { pulse: p.question.id } },
          h('span', { class: 'pill pill-fresh', text: t('pulse.open') }), ' ',
          h('span', { text: pulseQuestionText(p.question.kind) }), ' ', left);
      }));
    }
    const res = (state.pulse_results || []).slice().reverse();
    // "No questions asked yet" only while none is open either.
    const resKey = `${getLang()}|${open.length ? 'open' : 'none'}|${res.map((r) => `${r.question.id}:${r.answers}`).join(',')}`;
    if (results.dataset.key !== resKey) {
      results.dataset.key = resKey;
      fill(results, res.length
        ? res.map((r) => pulseResultView(r, (tick) => hhmm(timeAt(state, tick))))
        : (open.length ? null : h('p', { class: 'muted', i18n: 'pulse.none' })));
    }
    pulse(state);
  }

  function pulse(state) {
    const now = nowTick(state);
    if (lefts.some(({ q }) => q.closes_tick <= now)) {
      // Closed by the clock: the result follows as pulse_closed.
      update(state);
      return;
    }
    for (const { q, left } of lefts) {
      const text = t('pulse.closes', { time: hhmm(timeAt(state, q.closes_tick)), left: duration(q.closes_tick - now) });
      if (left.textContent !== text) left.textContent = text;
    }
  }
  return { el, update, pulse };
}

/** Everyone inside, once the drill ended: what the team believed, and the truth. */
export function pulseResultsPanel() {
  const results = h('div', { class: 'pulse-results' });
  const el = panel('panel.pulse_results', h('p', { class: 'hint', i18n: 'pulse.results_hint' }), results);
  el.id = 'pulse-results-panel';
  el.hidden = true;
  function update(state) {
    const res = state.status === 'ended' ? state.pulse_results || [] : [];
    el.hidden = !res.length;
    const key = `${getLang()}|${res.map((r) => r.question.id).join(',')}`;
    if (results.dataset.key === key) return;
    results.dataset.key = key;
    fill(results, res.map((r) => pulseResultView(r, (tick) => hhmm(timeAt(state, tick)))));
  }
  return { el, update };
}
