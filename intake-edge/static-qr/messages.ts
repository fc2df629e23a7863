import type { Bilingual } from '../../core/http/lang.ts';

/** The static-QR pages' own sentences, in zh-CN (default) and English; the rest are citizen/messages.ts. */
export const qm = {
  tapAgain: {
    'zh-CN': '为保证评价真实有效,请再点一次您办理的业务。如反复出现此提示,请允许浏览器使用 Cookie。',
    en: 'To keep ratings genuine, please tap your service once more. If this keeps appearing, please allow cookies in your browser.',
  },
  addressLimitedTitle: { 'zh-CN': '请稍后再评价', en: 'Please rate a little later' },
  addressLimitedBody: (minutes: number): Bilingual => ({
    'zh-CN': `本窗口收到来自同一网络(如大厅无线网络)的评价较多,请约 ${minutes} 分钟后再扫码评价,或关闭无线网络、改用手机流量后重新扫码。`,
    en: `This window has had many ratings from the same network (such as the hall’s Wi-Fi). Please scan again in about ${minutes} minutes, or turn off Wi-Fi and scan again using mobile data.`,
  }),
  windowPausedTitle: { 'zh-CN': '本窗口评价暂停', en: 'Rating at this window is paused' },
  windowPausedBody: (minutes: number): Bilingual => ({
    'zh-CN': `本窗口短时间内收到的评价异常多,为防止刷评,评价暂停约 ${minutes} 分钟。请稍后再扫码评价,给您带来不便,敬请谅解。`,
    en: `Rating at this window is paused for about ${minutes} minutes because it has received an unusually large number of ratings. Please scan again later; we are sorry for the inconvenience.`,
  }),
} satisfies Record<string, Bilingual | ((minutes: number) => Bilingual)>;
