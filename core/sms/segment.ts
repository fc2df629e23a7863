/**
 * Does an SMS fit one segment (单条短信)? GSM 03.38 text: 160 characters (extension characters such as
 * € [ ] { } count twice); anything else — Chinese in particular — is UCS-2: 70 UTF-16 units. The
 * 【sign name】 the carrier adds counts too, so pass the text as delivered or give `signName`.
 */
export interface SmsSegmentCheck {
  readonly encoding: 'gsm7' | 'ucs2';
  /** Length in the encoding's units (GSM septets or UTF-16 code units). */
  readonly length: number;
  readonly limit: 160 | 70;
  readonly fits: boolean;
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

/** The delivered text: `【sign】text` unless the text already starts with a 【…】 sign. */
export const withSignName = (text: string, signName?: string): string =>
  signName === undefined || text.startsWith('【') ? text : `【${signName}】${text}`;

export const checkSmsSegment = (text: string, signName?: string): SmsSegmentCheck => {
  const delivered = withSignName(text, signName);
  let septets = 0;
  for (const char of delivered) {
    if (GSM_BASIC.includes(char)) septets += 1;
    else if (GSM_EXTENSION.includes(char)) septets += 2;
    else {
      const length = delivered.length; // UTF-16 code units: an emoji takes two of the 70
      return { encoding: 'ucs2', length, limit: 70, fits: length <= 70 };
    }
  }
  return { encoding: 'gsm7', length: septets, limit: 160, fits: septets <= 160 };
};

export const fitsOneSmsSegment = (text: string, signName?: string): boolean => checkSmsSegment(text, signName).fits;
