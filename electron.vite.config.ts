import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Three builds, one per process. `main` has two entries: the Electron shell (index) and
// browser mode (web), which runs the same core under plain Node behind a loopback transport.
export default defineConfig({
  main: {
    build: {
      // Pure-JS dependencies are bundled into out/main: one file to load instead of hundreds, which
      // is most of a cold start. better-sqlite3 (native) and electron stay external.
      externalizeDeps: { exclude: ['kysely', 'zod', 'ws', 'pinyin-pro'] },
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          web: resolve(__dirname, 'src/main/web.ts'),
          // the intermediary sandbox: a separate program the app starts as a child process
          sandbox: resolve(__dirname, 'src/sandbox/main.ts'),
          // backups and integrity checks run here, in a worker thread (src/main/store/sqlite-jobs.ts)
          'sqlite-worker': resolve(__dirname, 'src/main/store/sqlite-worker.cjs'),
          // the core's heavy tasks, loaded by that worker (src/main/core/worker-tasks.ts)
          'worker-tasks': resolve(__dirname, 'src/main/core/worker-tasks.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/preload/index.ts'),
          // the customer window's: a read-only feed, no contract (src/main/electron/customer-window.ts)
          customer: resolve(__dirname, 'src/preload/customer.ts'),
        },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      minify: true,
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/renderer/index.html'),
          // the customer display (src/renderer/src/customer/): its own page and bundle, no shared chunk with the clerk's
          customer: resolve(__dirname, 'src/renderer/customer.html'),
        },
      },
    },
    plugins: [react()],
  },
});
