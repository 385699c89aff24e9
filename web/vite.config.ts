/**
 * Vite configuration of the web front end (root: web/). Build: `npx vite build --config web/vite.config.ts`
 * → web/dist; dev server: `npx vite --config web/vite.config.ts` (proxies /api to the Fastify server
 * on 127.0.0.1:3000). Before either, react-dsfr's own tools copy the DSFR's CSS, fonts and icons
 * from node_modules into web/public/dsfr (`copy-dsfr-to-public`, a no-op when up to date) and
 * reduce the icon stylesheet to the icons the code uses (`only-include-used-icons`, which also
 * stamps its hash on the icons' <link> in index.html).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const racineWeb = fileURLToPath(new URL('.', import.meta.url));
/** Where the dev server sends /api: `npm start`'s server by default (FLUX_API to change it). */
const api = process.env.FLUX_API ?? 'http://127.0.0.1:3000';

function copierDsfr(): Plugin {
  let fait = false;
  return {
    name: 'flux-copier-dsfr',
    configResolved() {
      if (fait) return;
      fait = true;
      mkdirSync(new URL('./public', import.meta.url), { recursive: true });
      const bin = (nom: string) => createRequire(import.meta.url).resolve(`@codegouvfr/react-dsfr/bin/${nom}.js`);
      execFileSync(process.execPath, [bin('copy-dsfr-to-public'), '--projectDir', racineWeb], { stdio: 'inherit' });
      // react-dsfr's "update-icons": keeps in icons.min.css (213 kB → ~7 kB) and in public/dsfr/icons
      // only the icons the code uses (it scans web/ and react-dsfr itself).
      execFileSync(process.execPath, [bin('only-include-used-icons'), '--projectDir', racineWeb, '--silent'], {
        stdio: 'inherit',
      });
    },
  };
}

export default defineConfig({
  root: racineWeb,
  plugins: [copierDsfr(), react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries in their own files: they change less often than the app, so browsers keep them cached.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'router', test: /node_modules[\\/]react-router[\\/]/ },
            { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/ },
            // Not react-dsfr/dsfr/dsfr.module.js: startReactDsfr imports it lazily, after setting
            // window.dsfr; evaluated earlier, in this chunk, the DSFR's scripts would never start.
            { name: 'dsfr', test: /node_modules[\\/](@codegouvfr[\\/]react-dsfr[\\/](?!dsfr[\\/])|tsafe[\\/])/ },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': { target: api } },
  },
  preview: {
    host: '127.0.0.1',
    proxy: { '/api': { target: api } },
  },
});
