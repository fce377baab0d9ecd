import cliProgress from 'cli-progress';
import type { Progress } from '../bench/progress.js';
import { redact } from '../runtime/secret.js';
import { progressLine } from './progress-rate.js';

/** How often a log (not a TTY) hears how far a long phase has got. */
const LOG_EVERY_MS = 15_000;

/**
 * A progress bar on a terminal; one line per phase when output is not a TTY (CI logs): its name
 * as it starts ("  insert: "), "done in N s" as it ends, so a log cut short (a Ctrl-C, a crash)
 * shows which phase was running; a phase that runs longer prints how far it is, its rate and an ETA
 * every 15 s, as the bar does on a terminal.
 */
export function terminalProgress(quiet: boolean): Progress {
  const interactive = process.stderr.isTTY && !quiet;
  let bar: cliProgress.SingleBar | undefined;
  let label = '';
  let started = 0;
  let open = false;
  let total = 0;
  let done = 0;
  let lastLine = 0;
  return {
    start(name, size) {
      label = name;
      started = lastLine = Date.now();
      total = size;
      done = 0;
      if (!interactive) {
        if (!quiet) process.stderr.write(`${open ? '\n' : ''}  ${name}: `);
        open = !quiet;
        return;
      }
      bar = new cliProgress.SingleBar(
        {
          format: `  ${name.padEnd(18)} {bar} {value}/{total} {rate}/s {duration_formatted} ETA {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(size, 0, { rate: 0 });
    },
    tick(n = 1) {
      done += n;
      const now = Date.now();
      const elapsedMs = now - started;
      if (bar) {
        bar.increment(n, { rate: elapsedMs > 0 ? Math.round(done / (elapsedMs / 1000)) : 0 });
      } else if (!quiet && now - lastLine >= LOG_EVERY_MS && done < total) {
        process.stderr.write(`${open ? '\n' : ''}  ${label}: ${progressLine(done, total, elapsedMs)}\n`);
        open = false;
        lastLine = now;
      }
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
