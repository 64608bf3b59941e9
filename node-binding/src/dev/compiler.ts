// TypeScript in watch mode, in this process: the compiler's own watch
// program (what `tsc -w` runs, incremental), so runDev learns when a build
// ends, how many errors it had and which files it wrote, without parsing
// tsc's console output. The app's typescript is used, else the one Node
// finds (NODE_PATH), else Debian's.

import * as path from "node:path";

// The little of the compiler API this file uses (the package ships no
// typings of its own, and livets does not depend on typescript).
interface Diagnostic {
  readonly code: number;
  readonly messageText: string | { readonly messageText: string };
}
interface WatchHost {
  writeFile?(file: string, data: string, bom?: boolean): void;
  onWatchStatusChange?(diagnostic: Diagnostic, newLine: string, options: object, errorCount?: number): void;
}
interface TypeScript {
  readonly version: string;
  readonly sys: { readonly newLine: string };
  createWatchCompilerHost(
    configFile: string,
    options: object,
    system: unknown,
    createProgram: unknown,
    reportDiagnostic: (d: Diagnostic) => void,
    reportWatchStatus: (d: Diagnostic, newLine: string, options: object, errorCount?: number) => void,
  ): WatchHost;
  createEmitAndSemanticDiagnosticsBuilderProgram: unknown;
  createWatchProgram(host: WatchHost): { close(): void };
  formatDiagnosticsWithColorAndContext(diagnostics: readonly Diagnostic[], host: unknown): string;
  formatDiagnostics(diagnostics: readonly Diagnostic[], host: unknown): string;
  createCompilerHost?: unknown;
}

/** One finished build. */
export interface Build {
  /** The first build of the session: the app starts after it. */
  readonly first: boolean;
  readonly errorCount: number;
  /** The errors, formatted as tsc prints them (no colours). */
  readonly errors: string;
  /** Files written (JavaScript, maps); none when nothing changed. */
  readonly written: readonly string[];
}

// "Found N errors. Watching for file changes." (one error, several): the end of a build.
const BUILD_DONE_CODES = new Set([6193, 6194]);

/** Loads typescript for the app in `appDir`; throws naming where it looked. */
export function loadTypeScript(appDir: string): TypeScript {
  // The app's node_modules (and its parents'), then folders that hold packages directly.
  const folders = [...(process.env.NODE_PATH ?? "").split(path.delimiter).filter((p) => p !== ""), "/usr/share/nodejs"];
  const candidates = [() => require.resolve("typescript", { paths: [appDir] }), ...folders.map((dir) => () => require.resolve(path.join(dir, "typescript")))];
  for (const candidate of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return require(candidate()) as TypeScript;
    } catch {
      // not there: the next place
    }
  }
  const places = [appDir, ...folders];
  throw new Error(`livets dev: the typescript package was not found (looked from ${places.join(", ")}); install it in the app (npm install --save-dev typescript)`);
}

/**
 * Compiles the project of `tsconfig` now and after every change, with
 * source maps (so the app's stacks name .ts lines). Returns a function
 * that stops watching.
 */
export function watchTypeScript(ts: TypeScript, tsconfig: string, onBuild: (build: Build) => void, print: (text: string) => void): () => void {
  const diagnostics: Diagnostic[] = [];
  let written: string[] = [];
  let first = true;
  const formatHost = {
    getCanonicalFileName: (f: string) => f,
    getCurrentDirectory: () => path.dirname(tsconfig),
    getNewLine: () => ts.sys.newLine,
  };
  const host = ts.createWatchCompilerHost(
    tsconfig,
    { sourceMap: true },
    ts.sys,
    ts.createEmitAndSemanticDiagnosticsBuilderProgram,
    (d) => diagnostics.push(d),
    (d, _newLine, _options, errorCount) => {
      if (!BUILD_DONE_CODES.has(d.code)) return;
      const errors = ts.formatDiagnostics(diagnostics, formatHost);
      if (diagnostics.length > 0) print(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost));
      const build: Build = { first, errorCount: errorCount ?? diagnostics.length, errors, written };
      first = false;
      diagnostics.length = 0;
      written = [];
      onBuild(build);
    },
  );
  const write = host.writeFile?.bind(host);
  if (write !== undefined) {
    host.writeFile = (file, data, bom) => {
      written.push(file);
      write(file, data, bom);
    };
  }
  const program = ts.createWatchProgram(host);
  return () => program.close();
}
