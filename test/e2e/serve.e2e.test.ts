// End to end in a real browser: Debian's Chromium (playwright-core) against the real
// `skrode serve` over a store holding the demo people. Type a name and see the person, move by
// keyboard, copy a handle, open the person, edit a note, export a vCard, search posts, import a
// file and watch its progress, add / edit / remove a source in config.yml. Screenshots go to
// test-results/screenshots/, or with SKRODE_UPDATE_SCREENSHOTS=1 to docs/screenshots/ (the
// current ones shown in the README).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDb } from '../../main/api/testing.js';
import { chromiumAvailable } from '../services.js';
import { launchChromium, REPO, startServe, type ServeProcess } from './serve-app.js';

const SHOTS = process.env.SKRODE_UPDATE_SCREENSHOTS === '1' ? join(REPO, 'docs', 'screenshots') : join(REPO, 'test-results', 'screenshots');

// The machine is shared and slow at times: wait for the UI generously (vitest's default is 1 s).
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

describe.runIf(await chromiumAvailable())('the UI in Chromium through skrode serve', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let db: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skrode-e2e-'));
    db = await createDemoDb(dir);
    serve = await startServe(dir, db);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 760, height: 640 }, acceptDownloads: true, colorScheme: 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.origin });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    mkdirSync(SHOTS, { recursive: true });
    // Sign in the way a user does: open the URL skrode serve printed.
    await page.goto(serve.url);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with the printed URL, which leaves the token out of the address bar', async () => {
    expect(page.url()).toBe(`${serve.origin}/`);
    await poll(() => page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(true);
    const cookies = await context.cookies(serve.origin);
    expect(cookies.find((c) => c.name === 'skrode_token')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The token cookie is HttpOnly: the page's scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('shows people while typing, grouped with their accounts, and moves by keyboard', async () => {
    await page.goto(`${serve.origin}/#/popup`);
    const input = page.getByRole('combobox', { name: 'Look up a person' });
    await poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    await input.pressSequentially('mira', { delay: 40 });
    const options = page.getByRole('option');
    await poll(() => options.first().textContent()).toContain('Mira Okonkwo');
    // Mira's human: personas and accounts with service icons, the company persona among them.
    const first = options.first();
    expect(await first.getByRole('img', { name: 'GitHub' }).count()).toBeGreaterThan(0);
    expect(await first.textContent()).toContain('@mira_ok');
    expect(await first.getAttribute('aria-selected')).toBe('true');

    await input.fill('');
    await input.pressSequentially('o', { delay: 40 });
    await poll(() => options.count()).toBeGreaterThan(1);
    await poll(async () => (await page.getByRole('listbox').getAttribute('data-query')) === 'o').toBe(true);
    await input.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('false');
    expect(await input.getAttribute('aria-activedescendant')).toBe('hit-1');
    await input.press('ArrowUp');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    await input.press('Escape');
    expect(await input.inputValue()).toBe('');
  });

  it('copies the matched handle and the address with the keyboard', async () => {
    const input = page.getByRole('combobox', { name: 'Look up a person' });
    await input.pressSequentially('priya', { delay: 30 });
    await poll(() => page.getByRole('option').first().textContent()).toContain('Priya');
    await input.press('Control+c');
    await poll(() => page.getByTestId('notice').textContent()).toMatch(/^Copied handle: /);
    await input.press('Control+Shift+c');
    await poll(() => page.getByTestId('notice').textContent()).toContain('<priya.raman@example.org>');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('priya.raman@example.org');
  });

  it('opens a person: names over time, accounts, posts, first/last seen, last interaction', async () => {
    const input = page.getByRole('combobox', { name: 'Look up a person' });
    await input.fill('');
    await input.pressSequentially('mira okonkwo', { delay: 20 });
    await poll(() => page.getByRole('option').first().textContent()).toContain('Mira Okonkwo');
    await page.screenshot({ path: join(SHOTS, 'popup.png') });
    await input.press('Enter');
    const heading = page.getByRole('heading', { level: 2, name: 'Mira Okonkwo' });
    await poll(() => heading.isVisible()).toBe(true);
    // Focus moves to the person's name so the keyboard carries on from there.
    await poll(() => heading.evaluate((el) => el === document.activeElement)).toBe(true);
    const names = page.getByRole('table');
    expect(await names.textContent()).toContain('@miraokon'); // the old handle, from 2019
    expect(await page.getByTestId('first-seen').textContent()).toBe('2019-03-02');
    expect(await page.getByTestId('last-interaction').textContent()).toContain('2026-11-18');
    await poll(() => page.locator('.posts').textContent()).toContain('register allocator');
    expect(await page.getByRole('button', { name: /Copy @mira_ok/ }).count()).toBe(1);
    // Keyboard only: Tab from the name reaches Export vCard, then the accounts; Enter copies one.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Export vCard');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    expect(focused).toMatch(/^Copy /);
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('person-notice').textContent()).toMatch(/^Copied /);
    await heading.focus();
  });

  it('adds and edits a note', async () => {
    await page.getByLabel('Add a note').fill('Owes me a write-up on linear scan.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await poll(() => page.locator('.note-text').allTextContents()).toContain('Owes me a write-up on linear scan.');
    await page.getByRole('button', { name: /^Edit note: Owes me/ }).click();
    const editor = page.getByLabel('Edit note');
    await editor.fill('Owes me a write-up on linear scan (promised for December).');
    await editor.press('Control+Enter');
    await poll(() => page.locator('.note-text').allTextContents()).toContain('Owes me a write-up on linear scan (promised for December).');
    // Stored, not just shown: the API gives it back.
    const res = await page.request.post(`${serve.origin}/api/lookup`, { data: { query: 'mira okonkwo', limit: 1 } });
    const body = (await res.json()) as { ok: boolean; value: { person: { notes: { text: string }[] } }[] };
    expect(body.value[0]!.person.notes.map((n) => n.text)).toContain('Owes me a write-up on linear scan (promised for December).');
    await page.screenshot({ path: join(SHOTS, 'popup-person.png'), fullPage: true });
  });

  it('exports a vCard', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export vCard' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.vcf$/);
    const file = join(dir, 'card.vcf');
    await download.saveAs(file);
    const card = readFileSync(file, 'utf8');
    expect(card).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0/);
    expect(card).toContain('FN:Mira Okonkwo');
    expect(card).toContain('linear scan (promised for December)');
  });

  it('goes back to the results with Esc', async () => {
    await page.keyboard.press('Escape');
    const input = page.getByRole('combobox', { name: 'Look up a person' });
    await poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await input.inputValue()).toBe('mira okonkwo');
  });

  it('searches posts with highlighted snippets and filters', async () => {
    await page.setViewportSize({ width: 1100, height: 720 });
    await page.goto(`${serve.origin}/#/main/search`);
    await page.getByLabel('Words').fill('allocator');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.getByTestId('search-status').textContent()).toBe('3 posts');
    expect(await page.locator('.posts mark').allTextContents()).toEqual(['allocator', 'allocator', 'allocator']);
    await page.getByLabel('Kind').selectOption('direct');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.getByTestId('search-status').textContent()).toBe('1 post');
    expect(await page.locator('.posts').textContent()).toContain('Slides from Lisbon');
    await page.getByLabel('Kind').selectOption('all');
    await page.getByLabel('Person').fill('mira');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.getByTestId('search-status').textContent()).toBe('1 post by Mira Okonkwo');
    await page.getByLabel('Person').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => page.getByTestId('search-status').textContent()).toBe('3 posts');
    await page.screenshot({ path: join(SHOTS, 'main-search.png') });
  });

  it('imports a file and shows its progress', async () => {
    // Big enough to take a few batches, so the progress bar moves while the page watches.
    const file = join(dir, 'many-people.jsonl');
    const lines = ['{"skrode": "observations", "version": 1}'];
    for (let i = 0; i < 12000; i++) {
      lines.push(JSON.stringify({ type: 'account', externalId: `github+user:e2e${i}`, names: [{ name: `e2e${i}`, kind: 'handle' }, { name: `Imported Person ${i}`, kind: 'display' }], seenAt: '2026-11-01T00:00:00Z' }));
    }
    lines.push('{"type":"account","externalId":"github+user:zanzibar","names":[{"name":"Zanzibar Quill","kind":"display"}],"seenAt":"2026-11-02T00:00:00Z"}');
    lines.push('not json at all');
    writeFileSync(file, `${lines.join('\n')}\n`);

    await page.goto(`${serve.origin}/#/main/sources`);
    await poll(() => page.getByLabel('Format').locator('option').count()).toBeGreaterThan(1);
    await poll(() => page.getByTestId('config-file').textContent()).toContain('config.yml');
    await page.getByLabel('File or folder to import').fill(file);
    await page.getByRole('button', { name: 'Import' }).click();
    const job = page.getByTestId('import-job').first();
    const bar = page.getByRole('progressbar', { name: `Import of ${file}` });
    await poll(() => bar.count()).toBe(1);
    const seen = new Set<string>();
    const t0 = Date.now();
    while (Date.now() - t0 < 100_000) {
      const v = await bar.getAttribute('aria-valuenow');
      if (v !== null) seen.add(v);
      if ((await job.getAttribute('data-state')) !== 'running') break;
      await page.waitForTimeout(50);
    }
    expect(await job.getAttribute('data-state')).toBe('done');
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    // The bar moved through at least one value short of 100 before it was done.
    expect([...seen].some((v) => Number(v) < 100), `progress values seen: ${[...seen].join(',')}`).toBe(true);
    expect(await job.textContent()).toContain('12001 observations');
    expect(await job.textContent()).toContain('1 problem');
    await page.screenshot({ path: join(SHOTS, 'main-sources.png') });

    await page.goto(`${serve.origin}/#/main/people`);
    const input = page.getByRole('combobox', { name: 'Look up a person' });
    await input.fill('');
    await input.pressSequentially('zanzi', { delay: 20 });
    await poll(() => page.getByRole('option').first().textContent()).toContain('Zanzibar Quill');
  }, 150_000);

  it('adds a feed source from the Sources page, edits it and removes it; config.yml keeps its comments', async () => {
    const config = join(dir, 'config.yml');
    const comment = '# Skrode on my laptop, written by hand (keep this comment).';
    writeFileSync(config, `${comment}\nemail:\n  self: [me@example.org]   # my own address\n`);
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`${serve.origin}/#/main/sources`);
    await poll(() => page.getByTestId('sources-file').textContent()).toContain(config);
    expect(await page.getByTestId('secrets-note').textContent()).toMatch(/no keychain/);

    // Keyboard only: choose the kind, open its form, fill it; a bad value is shown at its field.
    await page.getByLabel('Kind of source').focus();
    await page.getByLabel('Kind of source').selectOption({ label: 'Web feeds (RSS, Atom, JSON Feed)' });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const name = page.getByLabel('Name in config.yml');
    await poll(() => name.inputValue()).toBe('blogs');
    await page.getByLabel('Feed URLs').fill('https://blog.example.org/feed.xml');
    const every = page.getByLabel('Seconds between runs');
    await every.fill('soon');
    await every.press('Enter');
    await poll(() => every.getAttribute('aria-invalid')).toBe('true');
    await poll(() => every.evaluate((el) => el === document.activeElement)).toBe(true);
    const described = (await every.getAttribute('aria-describedby'))!.split(' ');
    const errorText = await page.locator(`#${described[1]}`).textContent();
    expect(errorText).toBe('expected an integer from 10 to 86400, got string "soon"');
    expect(readFileSync(config, 'utf8')).not.toContain('!skrode/feeds');
    await page.screenshot({ path: join(SHOTS, 'main-sources-form.png') });

    await every.fill('600');
    await page.getByRole('button', { name: 'Add source' }).click();
    await poll(() => page.getByTestId('sources-status').textContent()).toContain(`Saved blogs to ${config}.`);
    expect(await page.getByTestId('sources-status').textContent()).toContain('`skrode topology run` follows config.yml');
    const row = page.locator('[data-testid="source-row"][data-key="blogs"]');
    await poll(() => row.textContent()).toContain('Feed URLs: https://blog.example.org/feed.xml');
    let text = readFileSync(config, 'utf8');
    expect(text).toContain(comment);
    expect(text).toContain('# my own address');
    expect(text).toContain('blogs: !skrode/feeds\n  feeds:\n    - https://blog.example.org/feed.xml\n  every: 600\n');
    expect(text).toMatch(/workers:\n {2}- blogs\n/);
    // The read-only overview of the file shows it as well.
    await poll(() => page.getByRole('table', { name: 'Configured values' }).textContent()).toContain('!skrode/feeds');

    // Edit: add a second feed.
    await page.getByRole('button', { name: 'Edit blogs' }).click();
    await poll(() => page.getByLabel('Feed URLs').inputValue()).toBe('https://blog.example.org/feed.xml');
    await page.getByLabel('Feed URLs').fill('https://blog.example.org/feed.xml\nhttps://news.example.net/atom');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await poll(() => row.textContent()).toContain('https://news.example.net/atom');
    text = readFileSync(config, 'utf8');
    expect(text).toContain('    - https://news.example.net/atom\n');
    expect(text).toContain(comment);
    await page.screenshot({ path: join(SHOTS, 'main-sources-list.png') });

    // A secret field under serve: no keychain here, so its value cannot be entered, and it says why.
    await page.getByLabel('Kind of source').selectOption({ label: 'Email over IMAP' });
    await page.getByRole('button', { name: 'New source…' }).click();
    const password = page.getByLabel('Password', { exact: true });
    await poll(() => password.isDisabled()).toBe(true);
    const where = (await password.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
    expect(await page.locator(`#${where}`).textContent()).toMatch(/no keychain.*!skrode\/env SKRODE_MAIL_PASSWORD/);
    expect(await page.getByLabel('Kept under the name (Password)').inputValue()).toBe('SKRODE_MAIL_PASSWORD');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Remove, confirmed.
    await page.getByRole('button', { name: 'Remove blogs' }).click();
    await page.getByRole('button', { name: 'Yes, remove blogs' }).click();
    await poll(() => row.count()).toBe(0);
    // The keyboard carries on from the kind chooser, not from a row that is gone.
    await poll(() => page.getByLabel('Kind of source').evaluate((el) => el === document.activeElement)).toBe(true);
    text = readFileSync(config, 'utf8');
    expect(text).not.toContain('blogs');
    expect(text).not.toContain('workers');
    expect(text).toContain(comment);
    expect(text).toContain('self: [me@example.org] # my own address');
    await page.setViewportSize({ width: 1100, height: 720 });
  });

  it('shows ingestion status per worker, with errors, and settings', async () => {
    // Heartbeats as a running topology's supervisor writes them (another process, same store).
    const { sqliteStatusStore } = await import('../../main/topology/status-store.js');
    const beats = await sqliteStatusStore(db);
    const now = new Date().toISOString();
    await beats.write([
      { host: 'laptop', worker: 'feeds', replica: 0, state: 'backoff', restarts: 3, done: 41, failed: 3, lastError: 'https://zoe.castellanos.example/feed.xml: HTTP 503', updatedAt: now, stale: false },
      { host: 'laptop', worker: 'imap', replica: 0, state: 'running', restarts: 0, done: 1289, failed: 0, lastError: null, updatedAt: now, stale: false },
    ]);
    await beats.close();
    await page.goto(`${serve.origin}/#/main/status`);
    await poll(() => page.getByRole('heading', { name: 'Ingestion status' }).isVisible()).toBe(true);
    const workers = page.getByRole('table').first();
    await poll(() => workers.textContent()).toContain('feeds#0');
    expect(await workers.textContent()).toContain('HTTP 503');
    expect(await workers.textContent()).toContain('1289');
    await page.getByRole('button', { name: 'Pause ingestion' }).click();
    await poll(() => page.getByRole('alert').textContent()).toContain('no background ingestion runs in this process');
    await page.screenshot({ path: join(SHOTS, 'main-status.png') });
    await page.goto(`${serve.origin}/#/main/settings`);
    await page.getByLabel('Lookup hotkey').fill('Alt+Shift+Space');
    await page.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);
    expect(await page.locator('dd code').textContent()).toMatch(/skrode\.db$/);
  });

  it('lists suggested contacts with Accept and Dismiss', async () => {
    // Suggestions as a mail import with `email.headers: {cc: suggest}` records them (another process, same store).
    const { openSqliteStore } = await import('../../main/store/sqlite/store.js');
    const importer = await openSqliteStore(db);
    await importer.recordSuggestions([
      { address: 'quinn.ash@example.org', name: 'Quinn Ash', message: 'email+msg:e2e-1', at: '2026-10-01T09:00:00Z', source: 'mbox /home/me/takeout.mbox' },
      { address: 'quinn.ash@example.org', message: 'email+msg:e2e-2', at: '2026-10-05T09:00:00Z', source: 'mbox /home/me/takeout.mbox' },
      { address: 'promo@shop.example', name: 'Shop', message: 'email+msg:e2e-1', source: 'mbox /home/me/takeout.mbox' },
    ]);
    await importer.close();
    await page.goto(`${serve.origin}/#/main/suggestions`);
    const rows = page.getByTestId('suggestion');
    await poll(() => rows.count()).toBe(2);
    expect(await rows.first().getAttribute('data-address')).toBe('quinn.ash@example.org');
    expect(await rows.first().textContent()).toContain('Quinn Ash');
    await page.screenshot({ path: join(SHOTS, 'main-suggestions.png') });

    await page.getByRole('button', { name: 'Dismiss promo@shop.example' }).click();
    await poll(() => page.getByRole('status').textContent()).toContain('promo@shop.example will not be suggested again');
    await poll(() => rows.count()).toBe(1);
    await page.getByRole('button', { name: 'Accept quinn.ash@example.org' }).click();
    await poll(() => page.getByRole('status').textContent()).toContain('quinn.ash@example.org is a contact now');
    await poll(() => page.getByText('No pending suggestions.').isVisible()).toBe(true);

    // The accepted address is a person the lookup finds, under the name it was seen with.
    await page.goto(`${serve.origin}/#/main/people`);
    const input = page.getByRole('combobox', { name: 'Look up a person' });
    await input.fill('');
    await input.pressSequentially('quinn', { delay: 20 });
    await poll(() => page.getByRole('option').first().textContent()).toContain('Quinn Ash');
  });

  it('refuses the same server under another name (no cookie, no DNS rebinding)', async () => {
    const other = await context.newPage();
    const res = await other.goto(serve.origin.replace('127.0.0.1', 'localhost'));
    // localhost is our name too, but the cookie belongs to 127.0.0.1: without the token, nothing.
    expect(res?.status()).toBe(401);
    await other.close();
  });

  it('ran without script errors and CSP violations', () => {
    // API errors the tests provoke on purpose show up as "Failed to load resource" (HTTP 4xx/5xx).
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
