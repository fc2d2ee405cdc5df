// The `skrode` command line. Each subcommand lives in ./commands/<name>.ts and is loaded only
// when needed, so `skrode whois` starts fast.
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
