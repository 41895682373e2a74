// "Your character": the brief of a store or corporate client that a person
// plays (snapshot.briefs): who they are, how to play them, and the lines
// the scenario's script has them say, with when. Nothing is sent by
// itself: "Use" puts a line into the call box (a store actor) or the chat
// box (a corporate actor), to be edited and sent like anything typed.
// The server gives each outside actor a character (snapshot.character):
// that one is shown, and there is nothing to pick. Without one (an older
// server), the persona picked is kept in the tab's UI state (session.js).

import { h, fill, field } from './dom.js';
import { t, getLang } from './i18n.js';
import { hhmm } from './format.js';
import { panel } from './panels.js';
import { timeAt, pickBrief, briefLines } from './state.js';

function regionName(state, id) {
  const r = (state.drill.regions || []).find((x) => x.id === id);
  return r ? r.name : id;
}

function clientName(state, id) {
  const c = (state.clients || []).find((x) => x.id === id);
  return c ? c.name : id;
}

/** When a scripted line comes: its clock time, or "when it happens". */
export function lineWhen(state, line) {
  return line.due_tick === null || line.due_tick === undefined ? t('character.when_it_happens') : hhmm(timeAt(state, line.due_tick));
}

/**
 * The panel. use(line, brief) puts a line's text where the role writes
 * (the call box or the chat box).
 */
export function characterPanel(ctx, { use }) {
  const pick = h('select', { id: 'character-persona' });
  const pickField = field('character.pick', pick);
  const body = h('div', { class: 'character', id: 'character' });
  const el = panel('panel.character', pickField, body);
  el.id = 'character-panel';
  el.classList.add('panel-character');
  pick.addEventListener('change', () => {
    ctx.ui.persona = pick.value;
    if (ctx.saveUi) ctx.saveUi();
    update(ctx.get());
  });

  function update(state) {
    const briefs = state.briefs || [];
    const given = state.character || null;
    // The character the server gave; its brief if the scenario has one.
    const brief = given ? briefs.find((b) => b.persona === given.persona) || null : pickBrief(state, ctx.ui.persona);
    pickField.hidden = !!given || briefs.length < 2;
    const options = JSON.stringify(briefs.map((b) => [b.persona, b.name]));
    if (pick.dataset.key !== options) {
      pick.dataset.key = options;
      fill(pick, briefs.map((b) => h('option', { value: b.persona, text: b.name })));
    }
    if (brief && pick.value !== brief.persona) pick.value = brief.persona;
    // Redrawn only when what it shows changed, so a focused "Use" keeps focus.
    const key = JSON.stringify([getLang(), brief, given, state.drill.start_time_of_day_s, (state.clients || []).length]);
    if (body.dataset.key === key) return;
    body.dataset.key = key;
    const focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement.id : null;
    if (!brief && given) {
      // A character without a script (a client no persona speaks for).
      fill(body,
        h('p', { class: 'character-name', id: 'character-name', text: given.name }),
        given.client && clientName(state, given.client) !== given.name
          ? h('p', { class: 'character-meta', text: clientName(state, given.client) }) : null,
        h('p', { class: 'muted', i18n: 'character.no_lines' }));
      return;
    }
    if (!brief) {
      fill(body, h('p', { class: 'muted', id: 'character-none', i18n: 'character.none' }));
      return;
    }
    const where = [brief.region ? regionName(state, brief.region) : null, brief.client ? clientName(state, brief.client) : null].filter(Boolean);
    const lines = briefLines(brief);
    fill(body,
      h('p', { class: 'character-name', id: 'character-name', text: brief.name }),
      where.length ? h('p', { class: 'character-meta', text: where.join(' · ') }) : null,
      brief.description ? h('p', { class: 'character-desc', id: 'character-desc', text: brief.description }) : null,
      h('h3', { class: 'sub', i18n: 'character.lines' }),
      lines.length ? h('ol', { class: 'character-lines', id: 'character-lines' }, lines.map((line, i) => {
        const button = h('button', { type: 'button', class: 'btn btn-small character-use', id: `character-use-${i}`, i18n: 'character.use' });
        button.setAttribute('aria-label', t('character.use_label', { text: line.text }));
        button.addEventListener('click', () => use(line, brief));
        return h('li', { class: 'character-line', dataset: { due: line.due_tick ?? '' } },
          h('div', { class: 'character-line-head' },
            h('span', { class: 'character-when', text: lineWhen(state, line) }),
            line.medium ? h('span', { class: 'pill pill-quiet', text: t(`medium.${line.medium}`) }) : null),
          h('p', { class: 'character-text', text: line.text }),
          button);
      })) : h('p', { class: 'muted', i18n: 'character.no_lines' }),
      h('p', { class: 'hint', i18n: ctx.role === 'corporate_actor' ? 'character.hint_chat' : 'character.hint_call' }));
    if (focused) {
      const again = body.querySelector(`#${CSS.escape(focused)}`);
      if (again) again.focus();
    }
  }
  return { el, update };
}
