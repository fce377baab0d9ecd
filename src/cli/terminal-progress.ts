import cliProgress from 'cli-progress';
import type { Progress } from '../bench/progress.js';
import { redact } from '../runtime/secret.js';

/**
 * A progress bar on a terminal; one line per phase when output is not a TTY (CI logs): its name
 * as it starts ("  insert: "), "done in N s" as it ends, so a log cut short (a Ctrl-C, a crash)
 * shows which phase was running.
 */
export function terminalProgress(quiet: boolean): Progress {
  const interactive = process.stderr.isTTY && !quiet;
  let bar: cliProgress.SingleBar | undefined;
  let label = '';
  let started = 0;
  let open = false;
  return {
    start(name, total) {
      label = name;
      started = Date.now();
      if (!interactive) {
        if (!quiet) process.stderr.write(`${open ? '\n' : ''}  ${name}: `);
        open = !quiet;
        return;
      }
      bar = new cliProgress.SingleBar(
        { format: `  ${name.padEnd(18)} {bar} {value}/{total} {duration_formatted}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    tick(n = 1) {
      bar?.increment(n);
    },
    stop() {
      if (bar) {
        bar.stop();
        bar = undefined;
      } else if (!quiet) {
        process.stderr.write(`${open ? '' : `  ${label}: `}done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        open = false;
      }
    },
    log(line) {
      if (!quiet) process.stderr.write(`${open ? '\n' : ''}${redact(line)}\n`);
      open = false;
    },
  };
}
