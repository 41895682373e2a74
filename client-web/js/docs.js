// Shared documents (status board, incident doc, talk script, incident
// report, checklists): the list under the channels, the document view that
// takes the conversation's place, and the talk script panel for support.
//
// Editing never loses typed text: the editor's text is a draft in
// ui.drafts (doc:ID), saved with the version it started from. If someone
// saved first, the server answers `conflict` and the view shows both texts
// (theirs, read-only, and mine, editable) until the merge is saved or the
// user chooses, in two clicks, to drop theirs or mine.

import { h, fill, tr } from './dom.js';
import { t } from './i18n.js';
import { hhmm, channelName } from './format.js';
import { panel } from './panels.js';
import {
  findDoc, docKind, docWritable, listedDocs, checklistLines, setChecked, playing, timeAt, TALK_SCRIPT_ID,
} from './state.js';
import { toast } from './toast.js';

/** The server's limit on a document's text (limits.rs DOC_TEXT_CHARS_MAX). */
const DOC_TEXT_CHARS_MAX = 20000;
/** How often a tick is re-applied on a newer version after a conflict. */
const TICK_RETRIES_MAX = 3;
/** How long a button stays armed for its second click. */
const CONFIRM_MS = 4000;
/** How long the talk script shows "just updated". */
const TALK_UPDATED_MS = 10000;

/** "updated by Haru at 12:03", or "from the template, 11:50". */
export function docMeta(state, doc) {
  const time = hhmm(timeAt(state, doc.updated_tick || 0));
  return doc.updated_by ? t('doc.updated_by', { by: doc.updated_by, time }) : t('doc.from_template', { time });
}

/** A document's text as lines: headings ("## x", "■ x") stand out. */
export function textView(text) {
  return String(text || '').split('\n').map((line) => {
    const m = /^#{1,3}\s+(.*)$/.exec(line);
    if (m) return h('p', { class: 'doc-heading', text: m[1] });
    if (/^■/.test(line)) return h('p', { class: 'doc-heading', text: line });
    if (!line.trim()) return h('p', { class: 'doc-blank', attrs: { 'aria-hidden': 'true' } });
    return h('p', { class: 'doc-line', text: line });
  });
}

/** A two-click button: the first click arms it (label armedKey). */
function confirmButton(button, key, armedKey, onConfirm) {
  let timer = null;
  const disarm = () => {
    clearTimeout(timer);
    delete button.dataset.armed;
    tr(button, key);
  };
  button.addEventListener('click', () => {
    if (button.dataset.armed !== '1') {
      button.dataset.armed = '1';
      tr(button, armedKey);
      timer = setTimeout(disarm, CONFIRM_MS);
      return;
    }
    disarm();
    onConfirm();
  });
  return disarm;
}

/** The documents under the channels: one button per document. */
export function docsNav(ctx, { onOpen }) {
  const list = h('ul', { class: 'doc-list', id: 'doc-list' });
  const empty = h('p', { class: 'muted doc-empty', i18n: 'docs.none' });
  const el = h('section', { class: 'docs-nav', attrs: { 'aria-labelledby': 'docs-title' } },
    h('h2', { id: 'docs-title', class: 'col-title', i18n: 'docs.title' }), empty, list);
  function update(state) {
    const docs = listedDocs(state, ctx.role);
    empty.hidden = docs.length > 0;
    fill(list, docs.map((d) => {
      const open = ctx.ui.doc === d.id;
      const draft = ctx.ui.drafts[`doc:${d.id}`];
      const changed = !open && d.version > (ctx.ui.docSeen[d.id] || 0);
      const b = h('button', { type: 'button', class: ['doc-link', open ? 'selected' : null], dataset: { doc: d.id }, title: d.title },
        h('span', { class: ['doc-icon', `doc-icon-${docKind(d)}`], attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'doc-link-title', text: d.title }),
        draft ? h('span', { class: ['pill', draft.mode === 'conflict' ? 'pill-bad' : 'pill-draft'], text: t(draft.mode === 'conflict' ? 'docs.to_merge' : 'docs.draft') }) : null,
        changed ? h('span', { class: 'doc-changed', attrs: { role: 'img', 'aria-label': t('docs.changed') }, title: t('docs.changed') }) : null);
      if (open) b.setAttribute('aria-current', 'true');
      b.addEventListener('click', () => onOpen(d.id));
      return h('li', null, b);
    }));
  }
  return { el, update };
}

/**
 * The open document, in place of the conversation: read (checklists as
 * checkboxes), edit, or merge after a conflict. Built once; the text
 * areas are never rebuilt while someone types in them.
 */
export class DocView {
  constructor(ctx, { onClose }) {
    this.ctx = ctx;
    this.id = null;
    this.saving = new Set(); // doc ids with a save in flight
    this.ticking = new Map(); // doc id -> the tick in flight {label, checked}

    this.title = h('h2', { class: 'doc-title', id: 'doc-title', tabIndex: -1 });
    this.meta = h('p', { class: 'doc-meta', id: 'doc-meta' });
    this.readOnly = h('span', { class: 'pill pill-quiet', id: 'doc-readonly', i18n: 'doc.read_only' });
    this.editBtn = h('button', { type: 'button', class: 'btn btn-small btn-primary', id: 'doc-edit', i18n: 'doc.edit' });
    this.closeBtn = h('button', { type: 'button', class: 'btn btn-small btn-ghost', id: 'doc-close' });
    this.editBtn.addEventListener('click', () => this.startEdit());
    this.closeBtn.addEventListener('click', onClose);

    // Reading.
    this.readEl = h('div', { class: 'doc-read', id: 'doc-read' });

    // Editing.
    this.editText = h('textarea', { id: 'doc-text', class: 'doc-textarea', maxLength: DOC_TEXT_CHARS_MAX, spellcheck: false });
    this.editLabel = h('label', { htmlFor: 'doc-text', class: 'sr-only' });
    this.newerText = h('span');
    this.compareBtn = h('button', { type: 'button', class: 'btn btn-small', id: 'doc-compare', i18n: 'doc.compare_now' });
    this.compareBtn.addEventListener('click', () => this.enterConflict(this.editText.value));
    this.newer = h('div', { class: 'doc-note doc-note-warn', id: 'doc-newer', attrs: { role: 'status' } }, this.newerText, this.compareBtn);
    this.saveBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'doc-save', i18n: 'doc.save' });
    this.cancelBtn = h('button', { type: 'button', class: 'btn', id: 'doc-cancel', i18n: 'doc.cancel' });
    this.editHint = h('p', { class: 'hint', id: 'doc-edit-hint' });
    this.saveBtn.addEventListener('click', () => this.save());
    this.disarmCancel = () => {};
    this.cancelBtn.addEventListener('click', () => this.cancel());
    this.editPane = h('div', { class: 'doc-edit', id: 'doc-edit-pane' },
      this.newer, this.editLabel, this.editText,
      h('div', { class: 'doc-buttons' }, this.saveBtn, this.cancelBtn, this.editHint));

    // Merging after a conflict.
    this.theirsText = h('textarea', { id: 'doc-theirs', class: 'doc-textarea', readOnly: true, spellcheck: false });
    this.mineText = h('textarea', { id: 'doc-mine', class: 'doc-textarea', maxLength: DOC_TEXT_CHARS_MAX, spellcheck: false });
    this.theirsMeta = h('span', { class: 'conflict-meta', id: 'doc-theirs-meta' });
    this.againText = h('span');
    this.refreshBtn = h('button', { type: 'button', class: 'btn btn-small', id: 'doc-refresh-theirs', i18n: 'doc.show_newest' });
    this.refreshBtn.addEventListener('click', () => this.enterConflict(this.mineText.value));
    this.again = h('div', { class: 'doc-note doc-note-warn', id: 'doc-again', attrs: { role: 'status' } }, this.againText, this.refreshBtn);
    this.mergeBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'doc-save-merged', i18n: 'doc.save_merged' });
    this.mergeBtn.addEventListener('click', () => this.save());
    this.useTheirsBtn = h('button', { type: 'button', class: 'btn btn-danger', id: 'doc-use-theirs', i18n: 'doc.use_theirs' });
    this.disarmTheirs = confirmButton(this.useTheirsBtn, 'doc.use_theirs', 'doc.use_theirs_confirm', () => this.dropDraft());
    this.conflictPane = h('div', { class: 'doc-conflict', id: 'doc-conflict' },
      h('div', { class: 'doc-note doc-note-bad', attrs: { role: 'alert' } },
        h('strong', { i18n: 'doc.conflict_title' }), ' ', h('span', { i18n: 'doc.conflict_help' })),
      this.again,
      h('div', { class: 'conflict-grid' },
        h('div', { class: 'conflict-col' },
          h('label', { htmlFor: 'doc-theirs', class: 'conflict-label' }, h('span', { i18n: 'doc.theirs' }), ' ', this.theirsMeta),
          this.theirsText),
        h('div', { class: 'conflict-col conflict-mine' },
          h('label', { htmlFor: 'doc-mine', class: 'conflict-label', i18n: 'doc.mine' }),
          this.mineText)),
      h('div', { class: 'doc-buttons' }, this.mergeBtn, this.useTheirsBtn));

    for (const area of [this.editText, this.mineText]) {
      area.addEventListener('input', () => {
        const d = this.draft();
        if (!d) return;
        d.text = area.value;
        this.setDraft(d);
      });
      area.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          this.save();
        }
      });
    }

    this.el = h('section', { class: 'docview', id: 'docview', hidden: true, attrs: { 'aria-labelledby': 'doc-title' } },
      h('header', { class: 'doc-head' },
        h('div', { class: 'doc-head-main' }, this.title, this.meta),
        h('div', { class: 'doc-head-actions' }, this.readOnly, this.editBtn, this.closeBtn)),
      h('div', { class: 'doc-body' }, this.readEl, this.editPane, this.conflictPane));
  }

  // --- drafts --------------------------------------------------------------

  draftOf(id) {
    return this.ctx.ui.drafts[`doc:${id}`] || null;
  }

  draft() {
    return this.id ? this.draftOf(this.id) : null;
  }

  setDraftOf(id, d) {
    this.ctx.saveDraft(`doc:${id}`, d);
    this.ctx.docsChanged();
  }

  setDraft(d) {
    this.ctx.saveDraft(`doc:${this.id}`, d);
  }

  // --- opening ---------------------------------------------------------------

  /** Shows a document; a draft of it comes back as it was left. */
  open(id) {
    this.id = id;
    this.disarmCancel();
    this.disarmTheirs();
    const d = this.draft();
    this.editText.value = d && d.mode === 'edit' ? d.text : '';
    this.mineText.value = d && d.mode === 'conflict' ? d.text : '';
    this.theirsText.value = d && d.mode === 'conflict' && d.theirs ? d.theirs.text : '';
    this.el.hidden = false;
    this.update(this.ctx.get());
  }

  close() {
    this.id = null;
    this.el.hidden = true;
  }

  /** Starts editing the open document from its current version. */
  startEdit() {
    const doc = findDoc(this.ctx.get(), this.id);
    if (!doc) return;
    if (!this.draft()) {
      this.setDraftOf(this.id, { mode: 'edit', base: doc.version, baseText: doc.text, text: doc.text });
      this.editText.value = doc.text;
    }
    this.update(this.ctx.get());
    this.focusEditor();
  }

  focusEditor() {
    const d = this.draft();
    if (!d) return;
    const area = d.mode === 'conflict' ? this.mineText : this.editText;
    area.focus();
  }

  /** Shows both texts: the newest saved one and mine. */
  enterConflict(mine) {
    this.enterConflictOf(this.id, mine);
    this.update(this.ctx.get());
    this.mineText.focus();
  }

  enterConflictOf(id, mine) {
    const doc = findDoc(this.ctx.get(), id);
    const before = this.draftOf(id) || {};
    const theirs = doc
      ? { version: doc.version, text: doc.text, updated_by: doc.updated_by, updated_tick: doc.updated_tick }
      : before.theirs || { version: before.base || 0, text: before.baseText || '', updated_by: '', updated_tick: 0 };
    this.setDraftOf(id, { mode: 'conflict', base: before.base, baseText: before.baseText, text: mine, theirs });
    if (this.id === id) {
      this.disarmTheirs();
      this.mineText.value = mine;
      this.theirsText.value = theirs.text;
    }
  }

  cancel() {
    const d = this.draft();
    if (!d) return;
    if (this.editText.value === d.baseText || this.cancelBtn.dataset.armed === '1') {
      this.disarmCancel();
      this.dropDraft();
      return;
    }
    this.cancelBtn.dataset.armed = '1';
    tr(this.cancelBtn, 'doc.discard_confirm');
    const timer = setTimeout(() => this.disarmCancel(), CONFIRM_MS);
    this.disarmCancel = () => {
      clearTimeout(timer);
      delete this.cancelBtn.dataset.armed;
      tr(this.cancelBtn, 'doc.cancel');
    };
  }

  /** Forgets the draft (after the user confirmed it). */
  dropDraft() {
    this.setDraftOf(this.id, null);
    this.editText.value = '';
    this.mineText.value = '';
    this.theirsText.value = '';
    this.update(this.ctx.get());
  }

  // --- saving ----------------------------------------------------------------

  save() {
    const id = this.id;
    const d = this.draft();
    if (!d || this.saving.has(id)) return;
    const area = d.mode === 'conflict' ? this.mineText : this.editText;
    const text = area.value;
    if ([...text].length > DOC_TEXT_CHARS_MAX) {
      toast(t('doc.too_long', { n: DOC_TEXT_CHARS_MAX }));
      return;
    }
    d.text = text;
    this.setDraft(d);
    const base = d.mode === 'conflict' ? d.theirs.version : d.base;
    this.saving.add(id);
    const sent = this.ctx.send({ type: 'edit_doc', doc: id, base_version: base, text }, {
      // A conflict is shown as the merge view, not as an error toast.
      quiet: (m) => m.code === 'conflict',
      onAck: () => {
        this.setDraftOf(id, null);
        if (this.id === id) {
          this.editText.value = '';
          this.mineText.value = '';
        }
      },
      onError: (m) => {
        if (m.code === 'conflict') this.enterConflictOf(id, text);
      },
      onSettled: () => {
        this.saving.delete(id);
        if (this.id === id) {
          this.update(this.ctx.get());
          const now = this.draft();
          if (now && now.mode === 'conflict') this.mineText.focus();
        }
      },
    });
    if (sent) this.update(this.ctx.get());
  }

  /** Ticks or unticks a checklist item and saves at once. */
  tick(id, where, checked, tries = 0) {
    const doc = findDoc(this.ctx.get(), id);
    const text = doc ? setChecked(doc.text, where, checked) : null;
    if (text === null || text === doc.text) {
      this.update(this.ctx.get());
      return;
    }
    this.ticking.set(id, { label: where.label, checked });
    let retry = false;
    this.ctx.send({ type: 'edit_doc', doc: id, base_version: doc.version, text }, {
      // Someone saved first: the same tick is applied to their version.
      quiet: (m) => m.code === 'conflict' && tries < TICK_RETRIES_MAX,
      onError: (m) => {
        retry = m.code === 'conflict' && tries < TICK_RETRIES_MAX;
      },
      onSettled: () => {
        this.ticking.delete(id);
        if (retry) this.tick(id, where, checked, tries + 1);
        else if (this.id === id) this.update(this.ctx.get());
      },
    });
    if (this.id === id) this.update(this.ctx.get());
  }

  // --- drawing ---------------------------------------------------------------

  update(state) {
    if (!this.id) return;
    tr(this.closeBtn, ['doc.back', { name: channelName(this.ctx.ui.channel) }]);
    const doc = findDoc(state, this.id);
    const d = this.draft();
    if (!doc && !d) {
      tr(this.title, 'doc.missing_title');
      this.meta.textContent = '';
      fill(this.readEl, h('p', { class: 'muted', i18n: 'doc.missing' }));
      this.readEl.hidden = false;
      this.editPane.hidden = true;
      this.conflictPane.hidden = true;
      this.editBtn.hidden = true;
      this.readOnly.hidden = true;
      return;
    }
    const mode = d ? d.mode : 'read';
    const writable = doc ? docWritable(this.ctx.role, doc) : true;
    const live = playing(state) && this.ctx.online();
    if (doc) {
      this.title.textContent = doc.title;
      this.meta.textContent = `${t('doc.version', { v: doc.version })} · ${docMeta(state, doc)}`;
      if ((this.ctx.ui.docSeen[doc.id] || 0) < doc.version) this.ctx.markSeen(doc.id, doc.version);
    }
    this.readOnly.hidden = writable;
    this.editBtn.hidden = !writable || mode !== 'read';
    this.editBtn.disabled = !playing(state);
    this.readEl.hidden = mode !== 'read';
    this.editPane.hidden = mode !== 'edit';
    this.conflictPane.hidden = mode !== 'conflict';
    const saving = this.saving.has(this.id);
    this.editText.readOnly = saving;
    this.mineText.readOnly = saving;

    if (mode === 'read') {
      this.renderRead(state, doc, writable && live && !this.ticking.has(doc.id));
    } else if (mode === 'edit') {
      tr(this.editLabel, ['doc.editing', { title: doc ? doc.title : '' }]);
      const newer = doc && doc.version > d.base;
      this.newer.hidden = !newer;
      if (newer) {
        this.newerText.textContent = doc.updated_by
          ? t('doc.newer', { by: doc.updated_by, v: doc.version })
          : t('doc.newer_anon', { v: doc.version });
      }
      this.saveBtn.disabled = saving || !live;
      tr(this.saveBtn, saving ? 'doc.saving' : 'doc.save');
      tr(this.editHint, !live ? (state.status === 'ended' ? 'doc.hint_ended' : 'doc.hint_offline') : ['doc.hint_edit', { v: d.base }]);
    } else {
      const theirs = d.theirs || { version: 0, updated_by: '', updated_tick: 0 };
      this.theirsMeta.textContent = theirs.updated_by
        ? t('doc.theirs_meta', { v: theirs.version, by: theirs.updated_by, time: hhmm(timeAt(state, theirs.updated_tick)) })
        : t('doc.theirs_meta_anon', { v: theirs.version });
      const again = doc && doc.version > theirs.version;
      this.again.hidden = !again;
      if (again) this.againText.textContent = t('doc.changed_again', { v: doc.version });
      this.mergeBtn.disabled = saving || !live;
      tr(this.mergeBtn, saving ? 'doc.saving' : 'doc.save_merged');
    }
  }

  renderRead(state, doc, canTick) {
    if (docKind(doc) !== 'checklist') {
      fill(this.readEl, h('div', { class: 'doc-text' }, textView(doc.text)));
      return;
    }
    const focused = document.activeElement && this.readEl.contains(document.activeElement) ? document.activeElement.id : null;
    const lines = checklistLines(doc.text);
    const want = this.ticking.get(doc.id);
    fill(this.readEl, h('ul', { class: 'checklist', id: 'checklist' }, lines.map((l, i) => {
      if (!l.item) return l.text.trim() ? h('li', { class: 'checklist-note', text: l.text }) : null;
      const id = `check-${i}`;
      // A tick being saved shows as it will be.
      const checked = want && want.label === l.text ? want.checked : l.checked;
      const box = h('input', { type: 'checkbox', id, checked, disabled: !canTick });
      box.addEventListener('change', () => this.tick(doc.id, { line: i, label: l.text }, box.checked));
      return h('li', { class: ['check-item', checked ? 'done' : null] }, box, h('label', { htmlFor: id, text: l.text }));
    })));
    if (focused) {
      const again = this.readEl.querySelector(`#${CSS.escape(focused)}`);
      if (again) again.focus();
    }
  }
}

/**
 * The talk script, at the top of a support seat's side bar: what to tell
 * callers, updated live. canEdit adds a button that opens the editor.
 */
export function talkScriptPanel(ctx, { canEdit }) {
  const body = h('div', { class: 'talk-text', id: 'talk-script-text' });
  const meta = h('p', { class: 'talk-meta', id: 'talk-script-meta' });
  const fresh = h('span', { class: 'pill pill-fresh', id: 'talk-script-fresh', i18n: 'talk.just_updated', hidden: true });
  const announce = h('p', { class: 'sr-only', attrs: { 'aria-live': 'polite' } });
  const edit = canEdit ? h('button', { type: 'button', class: 'btn btn-small', id: 'talk-script-edit', i18n: 'talk.edit' }) : null;
  if (edit) edit.addEventListener('click', () => ctx.openDoc(TALK_SCRIPT_ID, { edit: true }));
  const el = panel('talk.title', body, h('div', { class: 'talk-foot' }, meta, fresh, edit), announce);
  el.classList.add('panel-talk');
  el.id = 'talk-script-panel';
  let shown = null; // version on screen
  let waited = false; // the "not declared yet" text was on screen
  let timer = null;
  function update(state) {
    const doc = findDoc(state, TALK_SCRIPT_ID);
    el.classList.toggle('waiting', !doc);
    if (!doc) {
      fill(body, h('p', { class: 'muted', i18n: 'talk.waiting' }));
      meta.textContent = '';
      if (edit) edit.hidden = true;
      shown = null;
      waited = true;
      return;
    }
    if (shown !== doc.version) {
      fill(body, textView(doc.text));
      const changed = shown !== null;
      if (changed || waited) {
        // It appeared or changed while on screen: make it seen, and say so.
        el.classList.remove('flash');
        void el.offsetWidth; // restarts the animation
        el.classList.add('flash');
        fresh.hidden = false;
        clearTimeout(timer);
        timer = setTimeout(() => {
          fresh.hidden = true;
          el.classList.remove('flash');
        }, TALK_UPDATED_MS);
        announce.textContent = changed && doc.updated_by ? t('talk.changed', { by: doc.updated_by }) : t('talk.appeared');
      }
      shown = doc.version;
      waited = false;
    }
    meta.textContent = docMeta(state, doc);
    // Read here, so the list does not mark it as changed.
    if ((ctx.ui.docSeen[doc.id] || 0) < doc.version) ctx.markSeen(doc.id, doc.version);
    if (edit) {
      edit.hidden = false;
      edit.disabled = !playing(state);
    }
  }
  return { el, update };
}
