import { readFileSync } from 'node:fs';
import t from 'tap';

// Every string of the web application exists in both languages with the same placeholders. The
// type check already holds the pages to the English keys; this holds Danish to English.
const load = (language: string): Record<string, string> =>
  JSON.parse(readFileSync(`control-plane/src/web/ui/i18n/${language}.json`, 'utf8'));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

t.test('Danish and English have the same keys and placeholders, and no empty text', async (t) => {
  const en = load('en');
  const da = load('da');
  t.same(Object.keys(da).sort(), Object.keys(en).sort(), 'same keys');
  for (const [key, english] of Object.entries(en)) {
    const danish = da[key] ?? '';
    t.same(placeholders(danish), placeholders(english), `${key}: same placeholders`);
    t.ok(english.trim() && danish.trim(), `${key}: text in both languages`);
  }
});
