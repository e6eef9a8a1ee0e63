import { describe, expect, it } from 'vitest';
import { actionOf, escapeHtml } from './payment-page';

describe('payment page helpers', () => {
  it('escapes text and attribute metacharacters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('maps the buttons to SNAP statuses and ignores anything else', () => {
    expect(actionOf('action=pay')).toBe('00');
    expect(actionOf('action=cancel')).toBe('05');
    expect(actionOf('action=fail')).toBe('06');
    expect(actionOf('action=toString')).toBeUndefined();
    expect(actionOf('')).toBeUndefined();
  });
});
