// The server's entry (src/index.ts) takes the editor's default server-url from its own URL.
// Vite's build rewrites `new URL('<literal>', import.meta.url)` as an asset to bundle: for '..'
// it resolved frontend/ as a package, and once `npm run build:lib` had made frontend/dist it
// inlined dist/index.js as a data: URL, so the served editor failed every request with
// "Failed to construct 'URL': Invalid URL". The entry must not use that form.
import { describe, expect, it } from 'vitest';
import entry from '../src/index.ts?raw';

// The pattern of Vite's asset-import-meta-url plugin (vite/dist/node/chunks/config.js).
const VITE_REWRITES = /\bnew\s+URL\s*\(\s*('[^']+'|"[^"]+"|`[^`]+`)\s*,\s*import\.meta\.url\s*(?:,\s*)?\)/;

describe('the server entry', () => {
  const source = entry
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');

  it('derives the script base from import.meta.url without a form Vite rewrites', () => {
    expect(source).toMatch(/import\.meta\.url/);
    expect(source).not.toMatch(VITE_REWRITES);
  });

  it('the script base is the folder above the script', () => {
    const scriptUrl = 'https://analytics.example.com/embed/plotboard.js';
    expect(new URL('..', scriptUrl).href).toBe('https://analytics.example.com/');
  });
});
