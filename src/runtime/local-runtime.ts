import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, rmdirSync } from 'node:fs';
import { mkdtemp, rm, chown, access, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Endpoint } from './endpoint.js';
import type { LocalCommand, LocalContext, LocalRecipe } from './local-recipe.js';
import type { RunningServer, ServerExit } from './running-server.js';
import { MemoryCgroup } from './cgroup.js';
import { ProcessTreeRss } from './process-tree-rss.js';
import { freePorts } from './free-port.js';
import { interruptSignal, onInterruptStop, within } from './cleanup.js';
import type { LogTail } from './log-tail.js';
import { openServerLog, type ServerLog } from './server-log.js';
import { awaitReady, unknownVersion, type LaunchedServer } from './await-ready.js';
import { ServerStartError } from './server-start-error.js';
import { isAlive } from './process-alive.js';
import { serverEnvironment } from './server-env.js';
import { dataDirOwner, dataDirPrefix } from './data-dir-name.js';

const execFileAsync = promisify(execFile);

export interface LocalStartOptions {
  readonly version?: string;
  /** Enforced through the server's cgroup; undefined means no limit. */
  readonly memoryLimitBytes?: number;
  /** Where server logs are kept after the run; defaults to .vdb-bench/logs. */
  readonly logDir?: string;
  /** Added to the recipe's environment (a profile's server settings). */
  readonly env?: Readonly<Record<string, string>>;
}

let started = 0;

/**
 * Starts a store's real server as a child process on free 127.0.0.1 ports, in a memory cgroup of
 * its own, and waits until the recipe says it is ready (awaitReady, shared with docker).
 */
export async function startLocalServer(
  store: string,
  recipe: LocalRecipe,
  options: LocalStartOptions = {},
): Promise<RunningServer> {
  const version = options.version ?? recipe.defaultVersion;
  if (!recipe.versions.includes(version)) throw unknownVersion(store, 'local', version, recipe.versions);
  // Until the server runs and registers its own stop, a signal must still undo the start: kill
  // the preparing commands (initdb), let the start fail at its next step (notInterrupted) and
  // clean up in its catch; a second signal removes what exists at once.
  const preparing = new Set<ChildProcess>();
  let dataDir: string | undefined;
  let cgroup: MemoryCgroup | undefined;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const abandonNow = (): void => {
    for (const child of preparing) child.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (cgroup) removeCgroupSync(cgroup.path);
  };
  const unregisterStart = onInterruptStop(async () => {
    for (const child of preparing) child.kill('SIGKILL');
    await settled;
  }, abandonNow);
  const notInterrupted = (): void => {
    const signal = interruptSignal();
    if (signal) throw new ServerStartError(`${store}: not started, the run was interrupted (${signal})`);
  };
  let log: ServerLog | undefined;
  try {
    notInterrupted();
    const ports = await freePorts(recipe.ports);
    await removeOrphanDataDirs();
    dataDir = await mkdtemp(join(tmpdir(), dataDirPrefix(store)));
    const ctx: LocalContext = { dataDir, ports, version };
    log = await openServerLog(store, options.logDir);
    cgroup = await MemoryCgroup.create(`vdb-bench-${process.pid}-${store}-${started++}`);
    notInterrupted();
    if (options.memoryLimitBytes !== undefined) {
      if (!cgroup) throw new ServerStartError(`${store}: a memory limit needs a writable cgroup`);
      await cgroup.setLimit(options.memoryLimitBytes);
    }
    const fromRecipe = recipe.command(ctx);
    const command = options.env ? { ...fromRecipe, env: { ...fromRecipe.env, ...options.env } } : fromRecipe;
    const user = await resolveUser(command.user);
    if (user) await chown(dataDir, user.uid, user.gid);
    // Before prepare: a missing install is named with its install script, not as a failed initdb.
    await access(command.command).catch(() => {
      if (command.command.startsWith('/') || command.command.startsWith('.')) {
        throw new ServerStartError(`${store}: ${command.command} is not installed; run ${recipe.installScript}`);
      }
    });
    const tail = log.tail;
    await recipe.prepare?.(ctx, (cmd) => runToCompletion(wrap(cmd, user, undefined), tail, preparing));
    notInterrupted();
    const launched = spawnServer({
      endpoint: { host: '127.0.0.1', ports },
      command,
      wrapped: wrap(command, user, cgroup?.procsFile),
      log,
      cgroup,
      dataDir,
      stopSignal: recipe.stopSignal ?? 'SIGTERM',
      memoryLimitBytes: options.memoryLimitBytes,
    });
    return await awaitReady(store, launched, recipe);
  } catch (error) {
    await cgroup?.remove();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    log?.tail.close();
    throw error;
  } finally {
    unregisterStart();
    settle();
  }
}

interface SpawnOptions {
  readonly endpoint: Endpoint;
  /** The recipe's command, as results and errors show it. */
  readonly command: LocalCommand;
  /** The same command joining the cgroup and dropping to the recipe's user. */
  readonly wrapped: LocalCommand;
  readonly log: ServerLog;
  readonly cgroup: MemoryCgroup | undefined;
  readonly dataDir: string;
  readonly stopSignal: NodeJS.Signals;
  readonly memoryLimitBytes: number | undefined;
}

/** Spawns the server process; how to stop it, read its memory and see it end. */
function spawnServer(o: SpawnOptions): LaunchedServer {
  const { cgroup, log, dataDir } = o;
  // detached: the server leads its own process group, so stop() can signal the whole tree.
  const child = spawn(o.wrapped.command, [...o.wrapped.args], {
    env: serverEnvironment(process.env, o.command.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.on('data', (b: Buffer) => log.tail.push(b));
  child.stderr.on('data', (b: Buffer) => log.tail.push(b));
  let exit: ServerExit | undefined;
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      void (cgroup?.oomKilled() ?? Promise.resolve(false)).then((oomKilled) => {
        if (!stopping) exit = { code, signal, oomKilled };
        resolve();
      });
    });
    child.on('error', (error) => {
      log.tail.push(Buffer.from(`spawn error: ${error.message}\n`));
      exit = { code: null, signal: null, oomKilled: false };
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    unregister();
    signalGroup(child.pid, o.stopSignal);
    // A stopped (SIGSTOP, hung) server would hold the stop signal pending until the SIGKILL 15 s
    // later. Every process of the cgroup, not just the group: PostgreSQL's children each lead a
    // session of their own, and a postmaster waits for them to exit.
    signalGroup(child.pid, 'SIGCONT');
    await signalCgroupMembers(cgroup, 'SIGCONT');
    // within() clears its timer when the server exits: an uncleared 15 s sleep kept every
    // `bench run` alive for 15 s after its last server stopped.
    const gone = await within(exited, 15_000);
    if (!gone) signalGroup(child.pid, 'SIGKILL');
    await killCgroupMembers(cgroup);
    await cgroup?.remove();
    log.tail.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  // A second Ctrl-C cannot wait: the server, its data and its cgroup go synchronously.
  const killNow = (): void => {
    signalGroup(child.pid, 'SIGKILL');
    if (cgroup) for (const pid of cgroupPidsSync(cgroup)) signalPid(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    if (cgroup) removeCgroupSync(cgroup.path);
  };
  const unregister = onInterruptStop(stop, killNow);

  return {
    runtime: 'local',
    endpoint: o.endpoint,
    kind: 'command',
    description: [o.command.command, ...o.command.args].join(' '),
    memory: cgroup ?? (child.pid !== undefined ? new ProcessTreeRss(child.pid) : undefined),
    facts: {
      dataDir: 'private directory under the system temp dir, removed after the run',
      ...(o.memoryLimitBytes !== undefined ? { memoryLimitBytes: o.memoryLimitBytes } : {}),
    },
    log,
    exit: () => exit,
    dataBytes: () => directoryBytes(dataDir),
    oomKills: async () => (cgroup ? cgroup.oomKills() : undefined),
    stop,
  };
}

interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The user to run as; only root can switch, and only root needs to (PostgreSQL refuses root). */
async function resolveUser(name: string | undefined): Promise<SystemUser | undefined> {
  if (!name || process.getuid?.() !== 0) return undefined;
  const uid = Number((await execFileAsync('id', ['-u', name])).stdout.trim());
  const gid = Number((await execFileAsync('id', ['-g', name])).stdout.trim());
  return { name, uid, gid };
}

/**
 * Wraps a command so it joins the cgroup before exec (no fork can escape it) and drops to the
 * recipe's user. `sh -c '...' procsFile cmd args` keeps the server's own argv intact.
 */
function wrap(cmd: LocalCommand, user: SystemUser | undefined, procsFile: string | undefined): LocalCommand {
  // --pdeathsig: the kernel kills the server when the harness dies without stopping it (a crash,
  // a SIGKILL, a broken pipe), so no server outlives its run. setpriv sets it after switching
  // user, since a change of uid clears it.
  const dropUser = user ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups'] : [];
  const argv = ['setpriv', '--pdeathsig', 'SIGKILL', ...dropUser, '--', cmd.command, ...cmd.args];
  if (!procsFile) {
    const [command, ...args] = argv as [string, ...string[]];
    return { ...cmd, command, args };
  }
  return { ...cmd, command: 'sh', args: ['-c', 'echo $$ > "$0" && exec "$@"', procsFile, ...argv] };
}

function runToCompletion(cmd: LocalCommand, tail: LogTail, running: Set<ChildProcess>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, [...cmd.args], {
      env: serverEnvironment(process.env, cmd.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    child.on('exit', () => running.delete(child));
    child.stdout.on('data', (b: Buffer) => tail.push(b));
    child.stderr.on('data', (b: Buffer) => tail.push(b));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new ServerStartError(
              `${[cmd.command, ...cmd.args].join(' ')} exited with ${code}:\n    ${tail.lines(15).join('\n    ')}`,
            ),
          ),
    );
  });
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function cgroupPidsSync(cgroup: MemoryCgroup): number[] {
  try {
    return readFileSync(cgroup.procsFile, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** rmdir succeeds once the killed processes have left the cgroup: a few ms; bounded at 1 s. */
function removeCgroupSync(path: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      rmdirSync(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      Atomics.wait(pause, 0, 0, 25);
    }
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** A server may have daemonised children outside its process group; the cgroup still holds them. */
function killCgroupMembers(cgroup: MemoryCgroup | undefined): Promise<void> {
  return signalCgroupMembers(cgroup, 'SIGKILL');
}

async function signalCgroupMembers(cgroup: MemoryCgroup | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!cgroup) return;
  const pids = (await readFile(cgroup.procsFile, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Data directories are named `vdb-bench-<owner pid>-<store>-…`; one whose owner is gone was left
 * by a crashed or killed run (its server is gone too: the cgroup cleanup stops it).
 */
async function removeOrphanDataDirs(): Promise<void> {
  for (const entry of await readdir(tmpdir()).catch(() => [] as string[])) {
    const owner = dataDirOwner(entry);
    if (owner !== undefined && !isAlive(owner)) await rm(join(tmpdir(), entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

async function directoryBytes(dir: string): Promise<number | undefined> {
  try {
    const { stdout } = await execFileAsync('du', ['-sb', dir]);
    return Number(stdout.split('\t')[0]);
  } catch {
    return undefined;
  }
}
