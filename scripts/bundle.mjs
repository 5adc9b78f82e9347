// Bundles the compiled CLI: resolving and compiling ~900 modules at start-up cost ~450 ms; a few
// bundled files load in ~100 ms (bench/cockpit.bench.test.ts, "start to first frame"). Each plugin
// below removes something the cockpit loaded or did for nothing, measured in the same bench (RSS).
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { narrowStringPattern } from './narrow-chars.mjs';

/**
 * `from` replaced by `to` in a dependency's source, where `from` must occur exactly once: the build
 * fails, naming the patch, when the dependency's code changed under it.
 */
function replaceOnce(src, from, to, what) {
  if (src.split(from).length !== 2) throw new Error(`${what} changed: review scripts/bundle.mjs`);
  return src.replace(from, to);
}

/**
 * docker-modem loads its own ssh transport (and with it ssh2) at start, though the cockpit never uses
 * it (ssh:// engines go through src/services/engine/ssh.ts). ssh2 allocates about 16 MB as it loads
 * (its WebAssembly poly1305), in each thread: here docker-modem's `./ssh` becomes a shim that loads
 * the real one only if it is ever called.
 */
const lazyModemSsh = {
  name: 'lazy-docker-modem-ssh',
  setup(b) {
    b.onResolve({ filter: /^\.\/ssh$/ }, (args) =>
      /docker-modem[\\/]lib$/.test(args.resolveDir) ? { path: `${args.resolveDir}/ssh.js`, namespace: 'lazy-ssh' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-ssh' }, (args) => ({
      contents: `module.exports = function (opt) { return require(${JSON.stringify(args.path)})(opt); };`,
      loader: 'js',
      resolveDir: '.',
    }));
  },
};

/**
 * Ink's layout engine (yoga-layout) loads its WebAssembly from a data: URL, with fetch() when there is
 * one: that loads Node's internal undici (760 KB of code and its own WebAssembly HTTP parser) just to
 * decode base64. Its own base64 path is taken instead. The build fails if the pattern changes.
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const src = await readFile(args.path, 'utf8');
      const check = '"function"!=typeof fetch';
      const n = src.split(check).length - 1;
      if (n !== 2) throw new Error(`yoga-layout's loader changed (${n} fetch checks, expected 2): review scripts/bundle.mjs`);
      return { contents: src.replaceAll(check, 'true'), loader: 'js' };
    });
  },
};

/**
 * Ink rebuilds its text caches (styled characters, widths) for every frame, so each frame tokenizes
 * every character on screen again, most of them unchanged since the last frame. Here the caches
 * outlive the frame, bounded by the characters they hold (each cached character is an object): a
 * new set once the texts cached add up to 40,000 characters, about two screens of 160x45.
 * The build fails if Ink's code changes.
 */
const inkSharedCaches = {
  name: 'ink-shared-caches',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const src = await readFile(args.path, 'utf8');
      const field = '    caches = new OutputCaches();';
      const styled = '            this.styledChars.set(line, cached);';
      // Bounded by what they hold: styled characters (an object each) up to ~60,000, about eight
      // screens of 160x45; the line and slice strings below up to 400,000 characters.
      const shared = [
        'let __sharedCaches;',
        'function __outputCaches() {',
        '    if (!__sharedCaches || __sharedCaches.chars > 60000 || __sharedCaches.strChars > 400000 || __sharedCaches.widths.size > 8000) {',
        '        __sharedCaches = new OutputCaches();',
        '        __sharedCaches.chars = 0;',
        '        __sharedCaches.strChars = 0;',
        '        __sharedCaches.lines = new Map();',
        '        __sharedCaches.slices = new Map();',
        '    }',
        '    return __sharedCaches;',
        '}',
        // A write's text as its lines of styled strings, and a line cut to columns: both were rebuilt
        // for every write of every frame (token sets, strings), the same for an unchanged pane as
        // for a new one. Pure functions of their strings, so kept with the other caches.
        'OutputCaches.prototype.getLines = function (text) {',
        '    let cached = this.lines.get(text);',
        '    if (cached === undefined) {',
        '        const characterLines = [[]];',
        '        for (const character of this.getStyledChars(text)) {',
        "            if (character.value === '\\n') characterLines.push([]);",
        '            else characterLines.at(-1).push(character);',
        '        }',
        '        cached = characterLines.map(line => styledCharsToString(line));',
        '        this.lines.set(text, cached);',
        '        this.strChars += text.length;',
        '    }',
        '    return cached;',
        '};',
        'OutputCaches.prototype.getSlice = function (line, from, to, cut) {',
        '    let byRange = this.slices.get(line);',
        '    if (byRange === undefined) {',
        '        byRange = new Map();',
        '        this.slices.set(line, byRange);',
        '    }',
        '    const key = from * 65536 + to;',
        '    let cached = byRange.get(key);',
        '    if (cached === undefined) {',
        '        cached = cut();',
        '        byRange.set(key, cached);',
        '        this.strChars += line.length;',
        '    }',
        '    return cached;',
        '};',
      ].join('\n');
      const splitLines = [
        '        const characterLines = [[]];',
        '        for (const character of this.caches.getStyledChars(text)) {',
        "            if (character.value === '\\n') {",
        '                characterLines.push([]);',
        '            }',
        '            else {',
        '                characterLines.at(-1).push(character);',
        '            }',
        '        }',
        '        let lines = characterLines.map(line => styledCharsToString(line));',
      ].join('\n');
      const slice = '    sliceLineToColumns(line, from, to) {';
      // Each frame also started from a new grid of blank cells, one object (and one styles array) per
      // cell: 7,200 of each at 160x45, garbage by the next frame. Cells are never changed in place
      // (the cached characters above are shared between frames the same way), so one frozen blank
      // cell fills the grid.
      const grid = [
        '            const row = [];',
        '            for (let x = 0; x < this.width; x++) {',
        '                row.push({',
        "                    type: 'char',",
        "                    value: ' ',",
        '                    fullWidth: false,',
        '                    styles: [],',
        '                });',
        '            }',
      ].join('\n');
      // The invisible-character filter of getStyledChars evaluated a regular-expression literal per
      // character, i.e. built a new RegExp for each: one shared expression instead.
      const ignorable = 'filter(character => !/^\\p{Default_Ignorable_Code_Point}+$/u.test(character.value))';
      const blank = "const __blankCell = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });";
      const ink = "ink's output.js";
      let contents = replaceOnce(src, field, '    caches = __outputCaches();', `${ink} (OutputCaches)`);
      contents = replaceOnce(
        contents,
        styled,
        `${styled}\n            this.chars = (this.chars ?? 0) + line.length;`,
        `${ink} (styled characters cache)`,
      );
      contents = replaceOnce(contents, grid, '            const row = new Array(this.width).fill(__blankCell);', `${ink} (its blank grid)`);
      contents = replaceOnce(contents, ignorable, 'filter(__visibleChar)', `${ink} (its invisible-character filter)`);
      // The cached array is only read: later steps map or slice it into new arrays.
      contents = replaceOnce(
        contents,
        splitLines,
        '        let lines = this.caches.getLines(text);',
        `${ink} (applyWriteOperation's lines)`,
      );
      contents = replaceOnce(
        contents,
        slice,
        '    sliceLineToColumns(line, from, to) {\n        return this.caches.getSlice(line, from, to, () => this.__sliceLineToColumns(line, from, to));\n    }\n    __sliceLineToColumns(line, from, to) {',
        `${ink} (sliceLineToColumns)`,
      );
      const visible =
        'const __ignorableChar = /^\\p{Default_Ignorable_Code_Point}+$/u;\nconst __visibleChar = (character) => !__ignorableChar.test(character.value);';
      return { contents: `${contents}\n${shared}\n${blank}\n${visible}\n`, loader: 'js' };
    });
  },
};

/**
 * A string of narrow characters only (scripts/narrow-chars.mjs: ASCII, box drawing, the cockpit's
 * markers) is as wide as it is long. string-width and Ink's line diff take that shortcut for ASCII
 * only; every pane line has a border (│), so each frame went through the grapheme segmenter and
 * the emoji regexes instead: the largest cost of a frame under a log flood (bench/cockpit.bench.test.ts).
 * Both shortcuts now cover the whole narrow set. The build fails if either library's code changes.
 */
const narrowFastPath = {
  name: 'narrow-fast-path',
  setup(b) {
    const pattern = JSON.stringify(narrowStringPattern());
    const patch = (filter, from, to, what) =>
      b.onLoad({ filter }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        const src = await readFile(args.path, 'utf8');
        return {
          contents: `const __narrowString = new RegExp(${pattern}, 'u');\n${replaceOnce(src, from, to, `${what} (its ASCII shortcut)`)}`,
          loader: 'js',
        };
      });
    patch(
      /[\\/]string-width[\\/]index\.js$/,
      'if (/^[\\u0020-\\u007E]*$/.test(string)) {',
      'if (__narrowString.test(string)) {',
      'string-width',
    );
    patch(
      /[\\/]ink[\\/]build[\\/]line-update\.js$/,
      'const printableAscii = /^[ -~]*$/u;',
      'const printableAscii = __narrowString;',
      "ink's line-update.js",
    );
  },
};

/**
 * The bundle's own `import … from 'node:x'` become require('node:x'). An ESM import of a builtin
 * builds its namespace from every export, and node:http's exports include lazy ones that load Node's
 * internal undici (760 KB of code, its WebAssembly HTTP parser) the cockpit never uses.
 */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    // Static imports only: a dynamic import() of such a module would see only its default export.
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin-cjs' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-cjs' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

// Earlier builds' chunks (their names carry a content hash).
for (const f of readdirSync('dist')) if (/^chunk-.*\.mjs(\.map)?$|\.LEGAL\.txt$/.test(f)) rmSync(`dist/${f}`);

// Two entry points: the CLI, and the log worker thread it starts (src/services/logs/host.ts finds
// dist/log-worker.mjs next to the bundle). Split: what a command does not use is never loaded (the
// demo's simulator, the procedures, the other commands load when asked for); shared code is in
// chunks next to them (flat, so import.meta.url-relative paths work from any of them).
const result = await build({
  entryPoints: { 'titan-tui': 'dist/src/cli/main.js', 'log-worker': 'dist/src/services/logs/worker.js' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  plugins: [lazyModemSsh, builtinsByRequire, yogaWithoutFetch, inkSharedCaches, narrowFastPath],
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: 'linked',
  // Minified (names kept, for error messages and stack traces; the source map maps them back): the
  // source V8 keeps in memory is ~1/3 the size, and without comments it is pure ASCII, so V8 holds
  // it as one byte per character. One non-ASCII character in a comment made it two bytes per
  // character: 6.4 MB of bundle cost 13 MB of heap (bench/cockpit.bench.test.ts, idle RSS).
  minify: process.env.TITAN_TUI_BUNDLE_READABLE !== '1', // readable output for profiling: TITAN_TUI_BUNDLE_READABLE=1
  keepNames: true,
  charset: 'ascii',
  // Licence comments go to dist/*.LEGAL.txt (one of them holds a non-ASCII name).
  legalComments: 'external',
  logLevel: 'error',
  // What each chunk holds (to see what a start-up loads): TITAN_TUI_BUNDLE_META=file.json
  metafile: Boolean(process.env.TITAN_TUI_BUNDLE_META),
  // React's development build costs several times the CPU per render (measured: idle CPU).
  define: { 'process.env.NODE_ENV': '"production"' },
  // Native add-ons stay out (ssh2 falls back to JS crypto); React devtools load only with DEV=true.
  external: ['cpu-features', '*.node'],
  // jsonc-parser's "main" is a UMD file whose factory requires its own modules at run time: bundle its ESM build.
  alias: { 'react-devtools-core': './scripts/empty-module.mjs', 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  // CommonJS dependencies expect require and __dirname. __dirname is only used by code paths the
  // cockpit never takes (dockerode's BuildKit protos, ssh2 on Windows).
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { dirname as __pathDirname } from 'node:path';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      'const __dirname = __pathDirname(__filename);',
    ].join(' '),
  },
});
if (process.env.TITAN_TUI_BUNDLE_META) writeFileSync(process.env.TITAN_TUI_BUNDLE_META, JSON.stringify(result.metafile));
