// The electronegativity gate: passes on our main/ and preload/, and fails on each way an Electron
// app goes wrong that it is meant to catch (insecure windows, unchecked openExternal, no CSP),
// on a file it cannot parse, and on an eng-disable comment nobody reviewed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../main/util/worker-entry.js';

type Gate = {
  runGate(folders?: string[], log?: (l: string) => void): Promise<{ files: number; problems: string[]; reviewed: string[] }>;
  checkAppCsp(requireEn: NodeJS.Require, file?: string): string[];
};
const gate = (await import(path.join(packageRoot(), 'scripts', 'electronegativity-gate.mjs'))) as Gate;

describe('scripts/electronegativity-gate.mjs', () => {
  it('passes on main/ and preload/, parsing every file, with only the reviewed exceptions', async () => {
    const logs: string[] = [];
    const r = await gate.runGate(['main', 'preload'], (l) => logs.push(l));
    expect(r.problems).toEqual([]);
    expect(r.files).toBeGreaterThan(50);
    expect(r.reviewed.every((x) => /^(main\/app\/main\.ts|main\/app\/security\.ts|main\/app\/policy\/csp\.ts):\d+ /.test(x))).toBe(true);
    expect(logs[0]).toMatch(/0 findings, 0 parse errors/);
  }, 120_000);

  it('fails on insecure code, an unparsable file and an unreviewed eng-disable', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'skrode-gate-')), 'bad');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'window.ts'),
      `import { BrowserWindow, shell } from 'electron';
export function open(url: string) {
  const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });
  void w.loadURL(url);
  void shell.openExternal(url);
}
`,
    );
    writeFileSync(path.join(dir, 'broken.ts'), 'export const x = {;\n');
    writeFileSync(path.join(dir, 'silenced.ts'), `import { shell } from 'electron';\nexport const go = (u: string) => {\n  void shell.openExternal(u); // eng-disable OPEN_EXTERNAL_JS_CHECK\n};\n`);
    const r = await gate.runGate([dir], () => {});
    const all = r.problems.join('\n');
    expect(all).toMatch(/finding CONTEXT_ISOLATION_JS_CHECK .*bad\/window\.ts:3/);
    expect(all).toMatch(/finding LIMIT_NAVIGATION_GLOBAL_CHECK/);
    expect(all).toMatch(/finding PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK/);
    expect(all).toMatch(/finding SANDBOX_JS_CHECK/);
    expect(all).toMatch(/finding OPEN_EXTERNAL_JS_CHECK .*bad\/window\.ts:5/);
    expect(all).toMatch(/finding CSP_GLOBAL_CHECK/);
    expect(all).toMatch(/unparsed file bad\/broken\.ts/);
    expect(all).toMatch(/unreviewed eng-disable OPEN_EXTERNAL_JS_CHECK at bad\/silenced\.ts:3/);
  }, 120_000);

  it('grades the app CSP itself, accepting only the reviewed remark', () => {
    const requireEn = createRequire(createRequire(path.join(packageRoot(), 'package.json')).resolve('@doyensec/electronegativity'));
    expect(gate.checkAppCsp(requireEn)).toEqual([]);
    const weak = path.join(mkdtempSync(path.join(tmpdir(), 'skrode-csp-')), 'csp.ts');
    writeFileSync(weak, `H['content-security-policy'] = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'";\n`);
    expect(gate.checkAppCsp(requireEn, weak).join('\n')).toMatch(/script-src/);
  });
});
