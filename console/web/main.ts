import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n/index.ts';
import { router } from './router/index.ts';
import './styles.css';

createApp(App).use(i18n).use(router).mount('#app');
