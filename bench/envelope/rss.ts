/**
 * @module
 * Section 3: peak RSS of a streaming seal + open, measured in child processes (see
 * `stream-rss.ts`), each next to a baseline child that only imports the package.
 *
 * Two ways of running the child, both reported:
 * - `tsx`: `node --import tsx stream-rss.ts`, the way this repository runs its TypeScript. Under
 *   Node 20, `--import tsx` registers module hooks that run on a separate loader thread with its
 *   own V8 isolate, and esbuild's JavaScript; that costs about 35 MiB of RSS before any byte is
 *   sealed (compare the idle rows).
 * - `plain JS`: the child script and the package's current sources transpiled by TypeScript
 *   (`transpileModule`, no type check, no bundling) into a temporary folder and run by plain
 *   `node`, as an application would run the published package. No loader thread.
 */

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const CHILD_SCRIPT = fileURLToPath(new URL('./stream-rss.ts', import.meta.url));
/** The package's root, found the way the child finds it (through bench's dependency). */
const PACKAGE_ROOT = dirname(fileURLToPath(import.meta.resolve('@strongbox/envelope/package.json')));
/** tsx's loader entry, resolved from here (tsx is a root devDependency). */
const TSX_LOADER = import.meta.resolve('tsx');

/** What one child reported. */
export interface ChildReport {
  readonly mode: 'idle' | 'stream' | 'identity';
  readonly maxRSSKiB: number;
  /** Linux only: VmHWM of /proc/self/status (the peak RSS of the process image), a cross-check. */
  readonly vmHWMKiB?: number;
  readonly backend: string;
  readonly bytes?: number;
  readonly consumed?: number;
  readonly sealedBytes?: number;
  readonly ok?: boolean;
  readonly wallMs?: number;
}

/** One way of running the children, with its baseline and its streamed run. */
export interface RssVariant {
  readonly id: 'tsx' | 'plain-js';
  readonly label: string;
  readonly command: string;
  readonly idle: ChildReport;
  /** The same pipeline with copying identity stages instead of seal and open: the streams' floor. */
  readonly identity: ChildReport;
  readonly stream: ChildReport;
}

/**
 * Runs `node argv…` and parses the JSON line it prints last.
 *
 * On POSIX the child is started by a shell that forks it, not by this process directly: Linux
 * carries the high-water RSS of the forked copy of the parent across `exec` into the child's
 * `ru_maxrss`, so a direct child of this (large) process would report this process's RSS as its
 * own peak. A fork from a small shell starts the count from the shell's few hundred KiB.
 */
async function child(argv: readonly string[]): Promise<ChildReport> {
  const [file, args] = process.platform === 'win32' ? [process.execPath, argv] : ['/bin/sh', ['-c', '"$0" "$@"; exit $?', process.execPath, ...argv]];
  const { stdout } = await execFileAsync(file, args, { timeout: 10 * 60 * 1000, maxBuffer: 1024 * 1024 });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ChildReport;
}

async function listTs(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await listTs(path)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Rewrites `./x.ts` targets in a package.json `exports` / `imports` map to `./x.js`. */
function retarget(map: unknown): unknown {
  return JSON.parse(JSON.stringify(map ?? {}), (_key, value: unknown) => (typeof value === 'string' ? value.replace(/\.ts$/, '.js') : value));
}

/**
 * Transpiles the child and the package sources into `root`:
 * `root/stream-rss.js`, `root/node_modules/@strongbox/envelope/{package.json,src/**.js,node_modules}`.
 */
async function buildPlainJs(root: string): Promise<string> {
  const { default: ts } = await import('typescript');
  const compilerOptions = {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2023,
    verbatimModuleSyntax: true,
    rewriteRelativeImportExtensions: true,
  };
  const emit = async (from: string, to: string): Promise<void> => {
    const { outputText } = ts.transpileModule(await readFile(from, 'utf8'), { compilerOptions, fileName: from });
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, outputText);
  };
  const packageOut = join(root, 'node_modules', '@strongbox', 'envelope');
  for (const file of await listTs(join(PACKAGE_ROOT, 'src'))) {
    await emit(file, join(packageOut, relative(PACKAGE_ROOT, file)).replace(/\.ts$/, '.js'));
  }
  const manifest = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(
    join(packageOut, 'package.json'),
    JSON.stringify({ name: manifest['name'], type: 'module', imports: retarget(manifest['imports']), exports: retarget(manifest['exports']) }, null, 2),
  );
  // The package's own dependencies (@noble/*), as installed.
  await symlink(join(PACKAGE_ROOT, 'node_modules'), join(packageOut, 'node_modules'), 'dir');
  const script = join(root, 'stream-rss.js');
  await emit(CHILD_SCRIPT, script);
  return script;
}

/** Runs section 3 with a message of `bytes`. */
export async function runRss(bytes: number, progress: (message: string) => void): Promise<RssVariant[]> {
  const variants: RssVariant[] = [];
  const measure = async (id: RssVariant['id'], label: string, prefix: readonly string[], shown: string): Promise<void> => {
    progress(`rss (${id}): idle child`);
    const idle = await child([...prefix, 'idle']);
    progress(`rss (${id}): streaming ${bytes} B through copying identity stages in a child`);
    const identity = await child([...prefix, 'identity', String(bytes)]);
    if (identity.ok !== true) throw new Error(`rss child (${id}): the identity pipeline did not verify: ${JSON.stringify(identity)}`);
    progress(`rss (${id}): streaming ${bytes} B through seal + open in a child`);
    const stream = await child([...prefix, 'stream', String(bytes)]);
    if (stream.ok !== true) throw new Error(`rss child (${id}): the streamed round trip did not verify: ${JSON.stringify(stream)}`);
    variants.push({ id, label, command: `${shown} stream ${bytes}`, idle, identity, stream });
  };

  await measure(
    'tsx',
    'node --import tsx (TypeScript sources) [info]',
    ['--import', TSX_LOADER, CHILD_SCRIPT],
    'node --import tsx bench/envelope/stream-rss.ts',
  );

  const root = await mkdtemp(join(tmpdir(), 'strongbox-bench-rss-'));
  try {
    progress('rss (plain-js): transpiling the child and the package sources');
    const script = await buildPlainJs(root);
    await measure('plain-js', 'node, transpiled JS, no loader (as the published package runs)', [script], 'node <tmp>/stream-rss.js');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return variants;
}
