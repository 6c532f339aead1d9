import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { pwaPlugin } from './build/pwa-plugin.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.OMECHAT_API ?? 'http://127.0.0.1:8080';

// `vite --mode mock` swaps the SDK for an in-memory fake so the UI can be worked on without a server.
export default defineConfig(({ mode }) => ({
  root: here,
  plugins: [react(), pwaPlugin()],
  // The web bundle is built from the packages' sources ("source" export condition), so it needs no
  // prior tsc build of the SDK.
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    ...(mode === 'mock'
      ? { alias: { '@omechat/sdk': fileURLToPath(new URL('./src/dev/mock-sdk.ts', import.meta.url)) } }
      : {}),
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Never inline assets as data: URLs into scripts; keeps everything a plain hashed file.
    assetsInlineLimit: 0,
    sourcemap: false,
    // The E2E crypto (X25519, Ed25519, ML-KEM-768, XChaCha20) is most of the bundle and is needed at once.
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false, ws: true },
      '/healthz': { target: apiTarget },
    },
  },
}));
