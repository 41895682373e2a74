// Browser test: every screen has its own address. A drill's link survives
// a reload and can be shared (a tab without a seat is told how to take
// part); the logo, `/` and "Home" go home, also from a finished drill; the
// incident owner lands in the war room after declaring; a wrong join code
// is refused, as a sentence in the interface's language, before a name or
// a role is asked for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, person, createDrill, joinDrill, inDrill, startDrill, endDrill, shot } from './harness.js';

env.setup();

const hashOf = (page) => page.evaluate(() => location.hash);

test('a drill has its own address, and home is home', { timeout: 120_000 }, async () => {
  const fac = await person('en-US');
  const own = await person('en-US');
  const guest = await person('ja-JP');
  try {
    const link = await createDrill(fac.page, 'Aiko');
    await inDrill(fac.page);
    const hash = await hashOf(fac.page);
    assert.match(hash, /^#drill=[0-9a-zA-Z]+$/, 'the drill is in the address');
    const id = decodeURIComponent(hash.slice('#drill='.length));

    // A reload of that address is the same seat in the same drill.
    await fac.page.reload();
    await inDrill(fac.page);
    assert.equal(await hashOf(fac.page), hash);

    // The logo goes home, which offers the way back.
    await fac.page.click('.topbar .brand');
    await fac.page.locator('#create-button').waitFor();
    assert.equal(await hashOf(fac.page), '');
    await fac.page.click('#resume-link');
    await inDrill(fac.page);
    assert.equal(await hashOf(fac.page), hash);

    // Someone given the drill's address without a seat is told how to take part.
    await guest.page.goto(`${env.base}/${hash}`);
    await guest.page.locator('#no-seat h1', { hasText: 'このタブはこの訓練に参加していません' }).waitFor();
    assert.equal(await guest.page.getAttribute('#no-seat-status', 'href'), `#status=${encodeURIComponent(id)}`);
    assert.equal(await guest.page.locator('#composer-text').count(), 0, 'no drill without a seat');
    await guest.page.click('#no-seat-status');
    await guest.page.locator('#status-headline').waitFor();
    assert.equal(await hashOf(guest.page), `#status=${encodeURIComponent(id)}`);

    // After declaring, the incident owner is in the war room.
    await joinDrill(own.page, link, 'Kenji', 'incident_owner');
    assert.match(await hashOf(own.page), new RegExp(`^#drill=${id}$`), 'the join link gives way to the drill address');
    await startDrill(fac.page, 10);
    assert.equal(await own.page.getAttribute('.channel.selected', 'data-channel'), 'ops');
    await own.page.click('#declare-button');
    await own.page.locator('.channel.selected[data-channel="incident-war-room"]').waitFor();
    assert.match(await own.page.locator('#conv-title').textContent(), /incident-war-room/);
    // The facilitator, who did not declare, stays where they were.
    await fac.page.locator('.channel[data-channel="incident-war-room"]').waitFor();
    assert.equal(await fac.page.getAttribute('.channel.selected', 'data-channel'), 'ops');

    // A finished drill: `/` and the logo go home, not back into it.
    await endDrill(fac.page);
    await fac.page.goto(`${env.base}/`);
    await fac.page.locator('#create-button').waitFor();
    assert.equal(await fac.page.locator('#composer-text').count(), 0);
    await fac.page.click('#resume-link');
    await fac.page.locator('#drill-status.status-ended').waitFor();
    await fac.page.click('.topbar .brand');
    await fac.page.locator('#create-button').waitFor();
    await shot(fac.page, 'home-resume');
    // The history's "Home" too.
    await fac.page.goto(`${env.base}/#history`);
    await fac.page.locator('#history h1').waitFor();
    await fac.page.click('#history .back-link a');
    await fac.page.locator('#create-button').waitFor();

    for (const x of [fac, own, guest]) assert.deepEqual(x.problems, []);
  } finally {
    for (const x of [fac, own, guest]) await x.context.close();
  }
});

test('a wrong join code is refused before the name and role are asked', { timeout: 60_000 }, async () => {
  const en = await person('en-US');
  const ja = await person('ja-JP');
  const fac = await person('en-US');
  try {
    await en.page.goto(`${env.base}/#join=0123456789abcdef`);
    await en.page.locator('#join-refused').waitFor();
    assert.equal(await en.page.locator('#join-name').isVisible(), false, 'no name asked');
    assert.equal(await en.page.locator('#role-engineer').isVisible(), false, 'no role asked');
    assert.equal(await en.page.locator('#join-code-error').textContent(), 'No drill has this join code.');
    await shot(en.page, 'join-wrong-code-en');
    await en.page.click('#join-home');
    await en.page.locator('#create-button').waitFor();

    await ja.page.goto(`${env.base}/#join=0123456789abcdef`);
    await ja.page.locator('#join-refused h1', { hasText: 'このリンクでは訓練に参加できません' }).waitFor();
    assert.equal(await ja.page.locator('#join-code-error').textContent(), 'この参加コードの訓練はありません。');
    await shot(ja.page, 'join-wrong-code-ja');

    // A right code asks for the name; a facilitator code pasted as a plain
    // join link is recognised as one.
    const link = await createDrill(fac.page, 'Aiko');
    await inDrill(fac.page);
    await en.page.goto(link);
    await en.page.locator('#join-name').waitFor();
    assert.equal(await en.page.locator('#role-engineer').isVisible(), true);
    await fac.page.click('#cofac-box > summary');
    const cofac = (await fac.page.inputValue('#cofac-link')).replace('&as=facilitator', '');
    await ja.page.goto(cofac);
    await ja.page.locator('#cofac-note').waitFor();
    assert.equal(await ja.page.locator('.roles').isHidden(), true, 'no role to pick');

    // Chromium reports the refused check (404) itself; nothing else went wrong.
    const refusedCheck = /^console error: Failed to load resource: the server responded with a status of 404/;
    for (const x of [en, ja]) assert.deepEqual(x.problems.filter((p) => !refusedCheck.test(p)), []);
    assert.deepEqual(fac.problems, []);
  } finally {
    for (const x of [en, ja, fac]) await x.context.close();
  }
});
