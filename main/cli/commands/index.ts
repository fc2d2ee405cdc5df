// Every `skrode` subcommand, one module each. Add a line here to add a command.
import type { Command } from 'commander';

export type CommandModule = { register(program: Command): void };

export const commandModules: (() => Promise<CommandModule>)[] = [];
commandModules.push(() => import('./whois.js'));
commandModules.push(() => import('./topology.js'));
commandModules.push(() => import('./import.js'));
commandModules.push(() => import('./identity.js'));
commandModules.push(() => import('./demo.js'));
commandModules.push(() => import('./export.js'));
commandModules.push(() => import('./serve.js'));
commandModules.push(() => import('./lookup.js'));
commandModules.push(() => import('./suggestions.js'));
