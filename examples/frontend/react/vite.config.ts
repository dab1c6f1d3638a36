// No React plugin needed for a build: esbuild compiles the JSX (React 17+'s automatic runtime).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic' },
  build: { chunkSizeWarningLimit: 1500 },
});
