import react from '@vitejs/plugin-react';
import {defineConfig} from 'vite';

/**
 * The embedded admin page: `vite build app` writes app/dist, which the server serves at `/`.
 * `%SHOPIFY_API_KEY%` in index.html is filled from the environment at build time (App Bridge reads it from
 * the `shopify-api-key` meta tag); the App Bridge script itself always comes from Shopify's CDN.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  envPrefix: ['VITE_', 'SHOPIFY_API_KEY'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // No source maps or compressed-size report: a fast build in CI matters more than either.
    sourcemap: false,
    reportCompressedSize: false,
  },
});
