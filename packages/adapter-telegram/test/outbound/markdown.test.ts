import { describe, expect, it } from 'vitest';
import { markdownToEntities, toPlainText } from '@botkeel/adapter-telegram';

describe('markdownToEntities', () => {
  it('converts the Markdown an LLM writes', () => {
    const result = markdownToEntities(
      '# Offer\n- **M** size: `SKU-1`\n[Buy](https://shop.example/p/1) ~~old~~ ||secret||',
    );
    expect(result.text).toBe('Offer\n• M size: SKU-1\nBuy old secret');
    expect(result.entities).toEqual([
      { type: 'bold', offset: 0, length: 5 },
      { type: 'bold', offset: 8, length: 1 },
      { type: 'code', offset: 16, length: 5 },
      { type: 'text_link', offset: 22, length: 3, url: 'https://shop.example/p/1' },
      { type: 'strikethrough', offset: 26, length: 3 },
      { type: 'spoiler', offset: 30, length: 6 },
    ]);
  });

  it('keeps fenced code literal with its language', () => {
    const result = markdownToEntities('Run:\n```ts\nconst a = **b**;\n```\ndone');
    expect(result.text).toBe('Run:\nconst a = **b**;\ndone');
    expect(result.entities).toEqual([{ type: 'pre', offset: 5, length: 16, language: 'ts' }]);
  });

  it('leaves unmatched markers, snake_case, arithmetic and unsafe links as text', () => {
    expect(markdownToEntities('a * b, 2*3, snake_case_name, **open').entities).toEqual([]);
    expect(markdownToEntities('a * b, 2*3, snake_case_name, **open').text).toBe(
      'a * b, 2*3, snake_case_name, **open',
    );
    expect(markdownToEntities('[x](javascript:alert(1))').entities).toEqual([]);
    expect(markdownToEntities('\\*not italic\\*').text).toBe('*not italic*');
  });

  it('nests italic inside bold with correct UTF-16 offsets after emoji', () => {
    const result = markdownToEntities('😀 **big _deal_**');
    expect(result.text).toBe('😀 big deal');
    expect(result.entities).toEqual([
      { type: 'italic', offset: 7, length: 4 },
      { type: 'bold', offset: 3, length: 8 },
    ]);
  });
});

describe('toPlainText', () => {
  it('strips HTML to the text it shows, decoding entities', () => {
    expect(toPlainText('<b>Tom &amp; Jerry</b> &lt;3 &#x1F600; <a href="x">link</a>', 'HTML')).toBe(
      'Tom & Jerry <3 😀 link',
    );
  });

  it('strips MarkdownV2 markers and escapes, with no stray backslashes', () => {
    const plain = toPlainText('*Price:* 2\\.50 \\(net\\) [shop](https://x.y) __u__ ||s|| `c`', 'MarkdownV2');
    expect(plain).toBe('Price: 2.50 (net) shop u s c');
    expect(plain).not.toContain('\\');
  });
});
