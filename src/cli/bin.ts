#!/usr/bin/env node
/** The `depwarden` executable: wires the real process into the CLI and sets the exit code. */
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
