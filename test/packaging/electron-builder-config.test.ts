// electron-builder.yml checked against electron-builder's own schema, offline: electron-builder
// itself cannot run on these machines (it downloads Electron), but its validation can. A
// deliberately broken copy must fail, so the check is known to bite.
import { mkdtempSync, readFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { packageRoot } from '../../main/util/worker-entry.js';

const root = packageRoot();
const require = createRequire(path.join(root, 'package.json'));
const CONFIG = path.join(root, 'electron-builder.yml');

type Config = Record<string, unknown> & {
  files: string[];
  asarUnpack: string[];
  linux: { target: string[]; icon: string; executableName: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  electronFuses: Record<string, boolean>;
};

const load = (file = CONFIG): Config => parse(readFileSync(file, 'utf8')) as Config;

/** electron-builder's validation: its internal validateConfiguration (scheme.json through ajv). */
async function validate(config: unknown): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
  const { DebugLogger } = require('builder-util/out/DebugLogger') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(config, new DebugLogger(false));
}

/** The same schema file through ajv directly, without electron-builder's type coercion. */
function validateStrict(config: unknown): string[] {
  const Ajv = require('ajv') as { default: new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] } } };
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  const check = new Ajv.default({ allErrors: true, strict: false }).compile(schema);
  return check(config) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Write a changed copy to disk and load it back, as electron-builder would read it. */
function brokenCopy(change: (c: Config) => void): Config {
  const c = load();
  change(c);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'skrode-eb-')), 'electron-builder.yml');
  writeFileSync(file, stringify(c));
  return load(file);
}

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own validation", async () => {
    await expect(validate(load())).resolves.toBeUndefined();
  });

  it("passes scheme.json without type coercion too", () => {
    expect(validateStrict(load())).toEqual([]);
  });

  it.each<[string, (c: Config) => void, RegExp]>([
    ['a misspelt option', (c) => void (c.asarUnpak = c.asarUnpack), /unknown property 'asarUnpak'/],
    ['a misspelt target key', (c) => void ((c.linux as Record<string, unknown>).tarrget = ['deb']), /configuration\.linux/],
    ['a fuse that is not a boolean', (c) => void (c.electronFuses.runAsNode = 'no' as unknown as boolean), /runAsNode should be a boolean/],
    ['an nsis option of the wrong type', (c) => void ((c.nsis as Record<string, unknown>).oneClick = { yes: 1 }), /oneClick should be a boolean/],
  ])('rejects a copy with %s', async (_what, change, message) => {
    await expect(validate(brokenCopy(change))).rejects.toThrow(message);
    expect(validateStrict(brokenCopy(change)).length).toBeGreaterThan(0);
  });

  it('builds AppImage and deb, dmg, and nsis', () => {
    const c = load();
    expect(c.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(c.mac.target).toEqual(['dmg']);
    expect(c.win.target).toEqual(['nsis']);
    expect(c).toMatchObject({ appId: expect.stringMatching(/^[a-z]+(\.[a-z]+)+$/), productName: 'Skrode', asar: true });
  });

  it('unpacks native modules from the asar', () => {
    const c = load();
    expect(c.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', '**/node_modules/better-sqlite3/**']));
  });

  it('packages the build, the migrations, the resources and package.json', () => {
    const c = load();
    expect(c.files).toEqual(expect.arrayContaining(['out/**', 'migrations/**', 'resources/**', 'package.json']));
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    // The entry electron-builder starts is what scripts/build.mjs makes of main/app/main.ts.
    expect(pkg.main).toBe('out/app/main.cjs');
    expect(existsSync(path.join(root, 'main', 'app', 'main.ts'))).toBe(true);
    expect(existsSync(path.join(root, 'migrations', 'sqlite'))).toBe(true);
  });

  it('names icons that exist and are big enough for every platform', () => {
    const c = load();
    const linuxDir = path.join(root, c.linux.icon);
    expect(statSync(linuxDir).isDirectory()).toBe(true);
    for (const s of [16, 32, 48, 64, 128, 256, 512]) expect(pngSize(path.join(linuxDir, `${s}x${s}.png`))).toEqual({ width: s, height: s });
    expect(pngSize(path.join(root, c.mac.icon)).width).toBeGreaterThanOrEqual(512);
    const ico = readFileSync(path.join(root, c.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1); // an icon resource
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(4); // several sizes
    for (const tray of ['tray.png', 'tray@2x.png', 'trayTemplate.png', 'trayTemplate@2x.png', 'icon-256.png']) expect(existsSync(path.join(root, 'resources', 'icons', tray))).toBe(true);
  });

  it('locks the fuses that would let other programs drive the app as Node', () => {
    expect(load().electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });

  it('does not name a data folder of its own (the app uses the CLI folder)', () => {
    const text = readFileSync(CONFIG, 'utf8');
    expect(text).not.toMatch(/^\s*(userData|appData)\s*:/m);
    expect(readFileSync(path.join(root, 'main', 'app', 'main.ts'), 'utf8')).toMatch(/app\.setPath\('userData', home\)/);
  });
});
