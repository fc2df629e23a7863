import { createI18n } from 'vue-i18n';
import { setApiLanguage } from '../api/http.ts';
import { en } from './en.ts';
import type { Messages } from './zh-CN.ts';
import { zhCN } from './zh-CN.ts';

export type Lang = 'zh-CN' | 'en';
export const languages: readonly Lang[] = ['zh-CN', 'en'];

const STORAGE_KEY = 'pinggai.console.lang';

const initialLang = (): Lang => {
  const stored = localStorage.getItem(STORAGE_KEY);
  // zh-CN first: English only when the officer chose it (the switch remembers the choice).
  return stored === 'en' ? 'en' : 'zh-CN';
};

export const i18n = createI18n<[Messages], Lang, false>({
  legacy: false,
  locale: initialLang(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN as unknown as Messages, en },
});

export const currentLang = (): Lang => i18n.global.locale.value;

export const setLang = (lang: Lang): void => {
  i18n.global.locale.value = lang;
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  setApiLanguage(lang);
};

setLang(initialLang());
