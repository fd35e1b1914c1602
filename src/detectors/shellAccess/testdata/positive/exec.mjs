// Shows: child_process imported (ESM) and a command executed.
import { exec } from 'node:child_process';
exec('git rev-parse HEAD', () => {});
