import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app: `npm run web:build` writes `web/dist/`, which the gateway serves at `/`. For work on
 * the app itself, `npm run web:dev` serves it with hot reload and passes the API to a gateway on :4000.
 */
const gateway = 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/graphql': { target: gateway, ws: true },
      '/dev': { target: gateway },
    },
  },
});
