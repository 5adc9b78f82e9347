// Bundles the compiled CLI into one file: resolving and compiling ~900 modules at start-up cost
// ~450 ms; one file loads in ~100 ms (bench/cockpit.bench.test.ts, "start to first frame").
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/titan-tui.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'error',
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
