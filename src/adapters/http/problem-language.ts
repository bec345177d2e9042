import Negotiator from 'negotiator';

/** The languages a problem+json title comes in: the stable code (English readers), or Vietnamese. */
export type ProblemLanguage = 'en' | 'vi';

const OFFERED: ProblemLanguage[] = ['en', 'vi'];

/**
 * The title language a caller asked for with Accept-Language (RFC 9110 §12.5.4): Vietnamese when
 * `vi` (or `vi-VN`) weighs at least as much as English, the stable code otherwise. Programs that
 * send no Accept-Language keep the English behaviour they were written against.
 */
export function problemLanguage(acceptLanguage: string | string[] | undefined): ProblemLanguage {
  if (acceptLanguage === undefined) return 'en';
  const language = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language(OFFERED);
  return language === 'vi' ? 'vi' : 'en';
}
