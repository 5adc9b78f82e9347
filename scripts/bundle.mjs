// Bundles the compiled CLI: resolving and compiling ~900 modules at start-up cost ~450 ms; a few
// bundled files load in ~100 ms (bench/cockpit.bench.test.ts, "start to first frame"). Each plugin
// below removes something the cockpit loaded or did for nothing, measured in the same bench (RSS).
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
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

/** Loads the files `filter` matches with each [from, to] of `pairs` replaced once, `prefix` first. */
function patchOnLoad(b, filter, pairs, what, prefix = '') {
  b.onLoad({ filter }, async (args) => {
    const { readFile } = await import('node:fs/promises');
    let src = await readFile(args.path, 'utf8');
    for (const [from, to] of pairs) src = replaceOnce(src, from, to, what);
    return { contents: `${prefix}${src}`, loader: 'js' };
  });
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
 * docker-modem formats every request's options with util.inspect (showHidden, no depth limit: the
 * abort signal, the agent, the socket path) for its debug log, whether that log is on or not: 7 ms
 * of the start-up's first request in a CPU profile, and work on every request after. It is
 * formatted only when DEBUG turns docker-modem's log on.
 */
const modemInspectOnDebug = {
  name: 'docker-modem-inspect-on-debug',
  setup(b) {
    const from = "debug('Sending: %s', util.inspect(options, {";
    patchOnLoad(b, /docker-modem[\\/]lib[\\/]modem\.js$/, [[from, `if (debug.enabled) ${from}`]], "docker-modem's request log");
  },
};

/**
 * Ink holds a lone ESC for 20 ms before it calls it the Escape key, in case more of an escape
 * sequence follows in a later read. Under a log flood that timer fires late (the UI thread waits for
 * a core twice: for the read, then for the timer): Escape's frame took p50 29 ms and up to 76 ms
 * where `w` and `!` took 3–4 ms (bench/cockpit.bench.test.ts, `yes` flood). A terminal, sshd and
 * tmux each write a key's sequence with one write, so a read that is exactly ESC is the Escape key
 * (as crossterm and Bubble Tea read it); it is emitted at once. ESC at the end of a longer read
 * still waits, as before. The build fails if Ink's code changes.
 */
const inkLoneEscape = {
  name: 'ink-lone-escape',
  setup(b) {
    patchOnLoad(
      b,
      /[\\/]ink[\\/]build[\\/]components[\\/]App\.js$/,
      [
        [
          '        while ((chunk = stdin.read()) !== null) {\n',
          '        let __lastChunk = null;\n        while ((chunk = stdin.read()) !== null) {\n            __lastChunk = chunk;\n',
        ],
        [
          '        if (inputParserRef.current.hasPendingEscape()) {\n            schedulePendingInputFlush();\n        }\n',
          "        if (inputParserRef.current.hasPendingEscape()) {\n            if (String(__lastChunk) === '\\u001B') {\n                const __escape = inputParserRef.current.flushPendingEscape();\n                if (__escape) emitInput(__escape);\n            }\n            else {\n                schedulePendingInputFlush();\n            }\n        }\n",
        ],
      ],
      "ink's App.js (lone Escape)",
    );
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
 * Ink's screen buffer (output.js) made an object per character of every write, each frame: under a
 * log flood 60 % of what the UI thread allocated (bench/cockpit.bench.test.ts, BENCH_ALLOC_PROFILE).
 * src/ui/ink-output.ts takes its place: the same interface and the same output, byte for byte
 * (test/unit/ink-output.test.ts), with cells in arrays per row and texts read once. The build fails
 * if Ink no longer has that module.
 */
const inkOutput = {
  name: 'ink-output',
  setup(b) {
    let replaced = false;
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, () => {
      replaced = true;
      return { contents: `export { default } from ${JSON.stringify(resolve('dist/src/ui/ink-output.js'))};`, loader: 'js' };
    });
    b.onEnd(() => {
      if (!replaced) throw new Error("ink's output.js was not loaded: review scripts/bundle.mjs (ink-output)");
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
    // Each [from, to] must occur once in the file.
    const patchAll = (filter, pairs, what) =>
      patchOnLoad(b, filter, pairs, `${what} (a narrow-text patch)`, `const __narrowString = new RegExp(${pattern}, 'u');\n`);
    const patch = (filter, from, to, what) => patchAll(filter, [[from, to]], what);
    // A string with some characters outside the set (a log line with an emoji) is measured in full
    // only around them (src/text/mixed-width.ts, exact: test/unit/mixed-width.test.ts): Titan's log
    // lines carry emoji, and measuring each of them whole was the largest cost of the demo's frames.
    patchAll(
      /[\\/]string-width[\\/]index\.js$/,
      [
        ['if (/^[\\u0020-\\u007E]*$/.test(string)) {', 'if (__narrowString.test(string)) {'],
        // Built at its first use, not as the module loads: V8 takes ~30 ms to build `\p{RGI_Emoji}`
        // (every emoji sequence), on the start-up's path though the first frame rarely measures an emoji.
        [
          'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;',
          'let __rgiEmojiRegex;\nconst rgiEmojiRegex = { test: (segment) => (__rgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v).test(segment) };',
        ],
        [
          'export default function stringWidth(input, options = {}) {',
          `import { mixedWidth as __mixedWidth } from ${JSON.stringify(resolve('dist/src/text/mixed-width.js'))};\nconst __nonNarrowRun = new RegExp(\`[^\${__narrowString.source.slice(2, -3)}]+\`, 'gu');\nlet __inMixedWidth = false;\nexport default function stringWidth(input, options = {}) {`,
        ],
        [
          '\tlet width = 0;\n\tconst eastAsianWidthOptions = {ambiguousAsWide: !ambiguousIsNarrow};\n',
          '\tif (ambiguousIsNarrow && !countAnsiEscapeCodes && !__inMixedWidth) {\n\t\t__inMixedWidth = true;\n\t\ttry {\n\t\t\treturn __mixedWidth(string, __nonNarrowRun, (part) => stringWidth(part, options));\n\t\t} finally {\n\t\t\t__inMixedWidth = false;\n\t\t}\n\t}\n\tlet width = 0;\n\tconst eastAsianWidthOptions = {ambiguousAsWide: !ambiguousIsNarrow};\n',
        ],
      ],
      'string-width',
    );
    // Ink's changed-line update strips, lists and measures every changed line's colour codes into
    // new strings and match objects: src/ui/line-update.ts answers with one scan of each line,
    // segmenting only around characters outside the narrow set (the same string:
    // test/unit/line-update.test.ts); Ink's own code only for a missing column count.
    patchAll(
      /[\\/]ink[\\/]build[\\/]line-update\.js$/,
      [
        ['const printableAscii = /^[ -~]*$/u;', 'const printableAscii = __narrowString;'],
        [
          'export default function lineUpdate(previous, next, columns) {\n',
          `import { narrowLineUpdate as __narrowLineUpdate } from ${JSON.stringify(resolve('dist/src/ui/line-update.js'))};\nexport default function lineUpdate(previous, next, columns) {\n    const __narrow = __narrowLineUpdate(previous, next, columns, __narrowString, ansiEscapes);\n    if (__narrow !== undefined) return __narrow;\n`,
        ],
      ],
      "ink's line-update.js",
    );
    // Ink sanitizes every text node at each layout and each frame, tokenizing it character by
    // character once it holds any escape: the log pane's rows (one text, a grey prefix on each row)
    // cost ~50 ms a frame under a flood. A text without control characters, other escapes than
    // colour codes with digit parameters, or marks right after a colour code comes out of it
    // unchanged (src/text/sanitize-keeps.ts), so such a text is returned as it is.
    patch(
      /[\\/]ink[\\/]build[\\/]sanitize-ansi\.js$/,
      'const sanitizeAnsi = (text) => {\n',
      `import { sanitizeKeeps as __sanitizeKeeps } from ${JSON.stringify(resolve('dist/src/text/sanitize-keeps.js'))};\nconst sanitizeAnsi = (text) => {\n    if (__sanitizeKeeps(text)) {\n        return text;\n    }\n`,
      "ink's sanitize-ansi.js",
    );
    // Ink's measure cache keeps 4,096 texts whatever their size: the log pane's rows, one text of
    // ~7,000 characters new at each window of a flood, would hold ~50 MB there. Long texts are
    // measured each time instead (a width per line: cheap next to the layout they feed).
    patch(
      /[\\/]ink[\\/]build[\\/]measure-text\.js$/,
      '    cache.set(text, dimensions);',
      '    if (text.length <= 2000) cache.set(text, dimensions);',
      "ink's measure-text.js",
    );
    patch(
      /[\\/]ink[\\/]build[\\/]wrap-text\.js$/,
      '    wrapTextCache.set(cacheKey, wrappedText);',
      '    if (text.length <= 2000) wrapTextCache.set(cacheKey, wrappedText);',
      "ink's wrap-text.js",
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
  plugins: [lazyModemSsh, modemInspectOnDebug, builtinsByRequire, yogaWithoutFetch, inkOutput, inkLoneEscape, narrowFastPath],
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: 'linked',
  // Minified (the source map maps names back for stack traces): the source V8 keeps in memory is
  // ~1/3 the size, and without comments it is pure ASCII, so V8 holds it as one byte per character.
  // One non-ASCII character in a comment made it two bytes per character: 6.4 MB of bundle cost
  // 13 MB of heap (bench/cockpit.bench.test.ts, idle RSS).
  minify: process.env.TITAN_TUI_BUNDLE_READABLE !== '1', // readable output for profiling: TITAN_TUI_BUNDLE_READABLE=1
  // Names are not kept: esbuild keeps them by redefining each function's `name` as it is created,
  // closures in every render included. Without: the bundle 1.97 -> 1.90 MB, RSS 3-12 MB lower, the
  // 20k-lines/s flood's key p99 42-49 -> 31-35 ms (bench/cockpit.bench.test.ts, alternating runs).
  // Nothing reads a function's name: error classes (ours, NATS's) set `name` themselves.
  keepNames: false,
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
