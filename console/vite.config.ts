import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { defineConfig } from 'vite';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/**
 * The staff console (工作人员后台): built into console/dist and served under /console/ by the embedded
 * server. `npm run dev:console` serves the sources with hot reload and forwards /api to a running
 * embedded server (PINGGAI_CONSOLE_API, default http://127.0.0.1:8080).
 */
export default defineConfig({
  root: here('./web'),
  base: '/console/',
  plugins: [
    vue(),
    // Element Plus components and their styles are imported where a template uses them (按需引入),
    // so the bundle carries only the components the console shows.
    Components({
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: here('./web/components.d.ts'),
    }),
  ],
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        // Libraries change less often than the console: separate chunks stay cached across releases.
        advancedChunks: {
          groups: [
            // Priorities: a group takes its modules' dependencies too, so Vue is claimed first
            // (otherwise it lands in the ECharts chunk through vue-echarts and every page loads ECharts).
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 30 },
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|@ctrl|async-validator|dayjs|lodash|lodash-es|lodash-unified|@vueuse|normalize-wheel-es|memoize-one|escape-html)[\\/]/, priority: 20 },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|vue-echarts|tslib)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: process.env['PINGGAI_CONSOLE_API'] ?? 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
});
