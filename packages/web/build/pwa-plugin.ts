import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { appIconPng } from './app-icon-png.js';

const SW_ENTRY = fileURLToPath(new URL('../sw/service-worker.ts', import.meta.url));

/** Colours of the installed app's splash screen and title bar (styles.css: --brand, light --bg). */
export const THEME_COLOR = '#4f46e5';
export const BACKGROUND_COLOR = '#f5f6fa';

const ICONS = [
  { file: 'icons/icon-192.png', size: 192, maskable: false },
  { file: 'icons/icon-512.png', size: 512, maskable: false },
  { file: 'icons/icon-maskable-192.png', size: 192, maskable: true },
  { file: 'icons/icon-maskable-512.png', size: 512, maskable: true },
  // iOS ignores the manifest's icons; it wants an opaque square.
  { file: 'icons/apple-touch-icon.png', size: 180, maskable: true },
] as const;

export const WEB_APP_MANIFEST = {
  id: '/',
  name: 'OmeChat',
  short_name: 'OmeChat',
  description: 'Meet strangers of about your own age. Anonymous and end-to-end encrypted.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  background_color: BACKGROUND_COLOR,
  theme_color: THEME_COLOR,
  categories: ['social'],
  icons: ICONS.filter((i) => i.file.includes('icon-')).map((i) => ({
    src: `/${i.file}`,
    sizes: `${i.size}x${i.size}`,
    type: 'image/png',
    purpose: i.maskable ? 'maskable' : 'any',
  })),
};

/**
 * Makes the built app installable and able to open offline: emits the web app manifest, the icons
 * (drawn by app-icon-png.ts) and /sw.js, into which it writes the list of app-shell files of this
 * build and a version derived from their contents (so every build that changes a file is a new
 * service worker, and the old shell cache is dropped when it activates). Build only: the dev server
 * runs without a service worker.
 */
export function pwaPlugin(): Plugin {
  return {
    name: 'omechat-pwa',
    apply: 'build',
    buildStart() {
      this.emitFile({ type: 'chunk', id: SW_ENTRY, fileName: 'sw.js' });
    },
    // After Vite's own generateBundle, so index.html is in the bundle.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const icons = ICONS.map((i) => [i.file, appIconPng(i.size, { maskable: i.maskable })] as const);
        const manifest = JSON.stringify(WEB_APP_MANIFEST, null, 2) + '\n';
        for (const [fileName, source] of icons) this.emitFile({ type: 'asset', fileName, source });
        this.emitFile({ type: 'asset', fileName: 'manifest.webmanifest', source: manifest });

        const sw = bundle['sw.js'];
        if (!sw || sw.type !== 'chunk') throw new Error('pwa-plugin: sw.js was not built');
        if (!bundle['index.html']) throw new Error('pwa-plugin: index.html is not in the bundle yet');
        const emitted = new Map<string, string | Uint8Array>([
          ['manifest.webmanifest', manifest],
          ...icons.map(([f, png]) => [f, png] as const),
        ]);
        for (const [f, out] of Object.entries(bundle))
          if (f !== 'sw.js') emitted.set(f, out.type === 'chunk' ? out.code : out.source);
        const files = [...emitted.keys()].sort();
        const hash = createHash('sha256');
        for (const f of files) hash.update(f).update(emitted.get(f)!);
        const version = hash.digest('hex').slice(0, 16);
        const shell = files.map((f) => `/${f}`);
        if (!shell.every((f) => /^[A-Za-z0-9._/-]+$/.test(f)))
          throw new Error('pwa-plugin: an app-shell file name has unexpected characters');
        // Plain token swaps: the minifier may have folded the placeholders into other strings.
        if (!sw.code.includes('__OMECHAT_SHELL_FILES__') || !sw.code.includes('__OMECHAT_SHELL_VERSION__'))
          throw new Error('pwa-plugin: placeholders missing from sw.js');
        sw.code = sw.code
          .replaceAll('__OMECHAT_SHELL_FILES__', shell.join(','))
          .replaceAll('__OMECHAT_SHELL_VERSION__', version);
      },
    },
  };
}
