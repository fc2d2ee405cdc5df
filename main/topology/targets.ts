// `target: module:function` resolution. Built-in modules are found by a short name (`demo`,
// `twitter`), and the original's dotted names (`skrode.ingesters.twitter`) map onto them, so a
// config written for the Python Skrode keeps working. Anything that looks like a path
// (./x.js, /abs/x.mjs, ~/x.js) is the user's own ES module, relative to the config file.
// Function names may be written snake_case as in the original: ingest_user finds ingestUser.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type ModuleLoader = () => Promise<Record<string, unknown>>;

/**
 * Built-in target modules. A source that offers topology workers adds ONE line here, e.g.
 *   twitter: () => import('../sources/twitter/topology.js'),
 * (static imports, so the worker bundle includes them).
 */
const builtinModules: Record<string, ModuleLoader> = {
  demo: () => import('./demo.js'),
  twitter: () => import('../sources/twitter/topology.js'),
  email: () => import('../sources/email/topology.js'),
  feeds: () => import('../sources/feeds/topology.js'),
};

/** The original's Python module paths, and other spellings, for the built-in modules. */
const aliases: Record<string, string> = {
  'skrode.ingesters.test': 'demo',
  'skrode.ingesters.twitter': 'twitter',
  'skrode.ingesters.demo': 'demo',
};

export class TargetError extends Error {
  override name = 'TargetError';
}

export function builtinTargetModules(): string[] {
  return Object.keys(builtinModules).sort();
}

function looksLikePath(mod: string): boolean {
  return mod.startsWith('.') || mod.startsWith('/') || mod.startsWith('~') || /\.(m?js|cjs)$/.test(mod);
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function splitTarget(target: string): { module: string; fn: string } {
  const i = target.lastIndexOf(':');
  if (i <= 0 || i === target.length - 1) throw new TargetError(`target ${JSON.stringify(target)} must look like module:function`);
  return { module: target.slice(0, i), fn: target.slice(i + 1) };
}

/** Import the target's module and return the function. `baseDir` is the config file's folder. */
export async function resolveTarget(target: string, baseDir: string): Promise<(...args: never[]) => unknown> {
  const { module, fn } = splitTarget(target);
  let mod: Record<string, unknown>;
  if (looksLikePath(module)) {
    const file = module.startsWith('~') ? path.join(homedir(), module.slice(1)) : path.resolve(baseDir, module);
    if (!existsSync(file)) throw new TargetError(`target ${target}: no such module file ${file}`);
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (e) {
      throw new TargetError(`target ${target}: cannot load ${file}: ${(e as Error).message}`);
    }
  } else {
    const name = aliases[module] ?? module;
    const load = builtinModules[name];
    if (!load) {
      throw new TargetError(
        `target ${target}: no built-in module ${JSON.stringify(module)} (built-in: ${builtinTargetModules().join(', ')}; for your own code give a path, e.g. ./my-workers.js:${fn})`,
      );
    }
    mod = await load();
  }
  const f = mod[fn] ?? mod[camel(fn)];
  if (typeof f !== 'function') {
    const have = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new TargetError(`target ${target}: the module has no function ${fn} (functions: ${have.join(', ') || 'none'})`);
  }
  return f as (...args: never[]) => unknown;
}
