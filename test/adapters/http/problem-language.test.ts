import { describe, expect, it } from 'vitest';
import { problemLanguage } from '../../../src/adapters/http/problem-language.ts';

describe('problemLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['vi', 'vi'],
    ['vi-VN', 'vi'],
    ['vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7', 'vi'],
    ['en-US,en;q=0.9,vi;q=0.8', 'en'],
    ['fr-FR,fr;q=0.9', 'en'],
    ['*', 'en'],
    ['vi;q=0', 'en'],
    ['garbage;;;q=x,,', 'en'],
  ])('%j → %s', (header, expected) => {
    expect(problemLanguage(header)).toBe(expected);
  });
});
