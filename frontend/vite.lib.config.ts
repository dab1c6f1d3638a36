// The npm package's build (`npm run build:lib` -> dist/): library mode, ES modules with source
// maps, not minified (the host app's bundler minifies). The runtime dependencies stay imports,
// so the host app's bundler shares them (one Lit, one ECharts); data (the world outline, the
// chart rules) and gridstack's CSS are inlined. The types come from tsc (tsconfig.lib.json).
// The server's script keeps its own build (vite.config.ts), unchanged.
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    cssCodeSplit: false,
    reportCompressedSize: false,
    copyPublicDir: false,
    lib: {
      entry: { index: 'src/package.ts', react: 'src/react.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      // `lit` and `lit/decorators.js` are external; `gridstack/dist/gridstack.css?inline` and
      // `world-atlas/*.json` are not (a CSS string and data, bundled).
      external: (id) =>
        !id.includes('?') && !id.endsWith('.json') && external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
