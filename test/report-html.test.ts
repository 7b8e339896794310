/**
 * The HTML reporter as a string: escaping of hostile text, safe links, embedded JSON that cannot
 * break out of its script block, stable anchors, no external resources, empty reports. (The page
 * in a real browser: test/browser.test.ts.)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/run/report.js';
import { caseAnchor, htmlReporter, jsonForScript, packArray, safeHref, variantAnchor } from '../src/report/html.js';
import { idFragment } from '../src/report/html/escape.js';
import { REPORTERS } from '../src/report/registry.js';
import { fixtureReport, HOSTILE_NAME, manyCasesReport } from './helpers/browser.js';
import { runCli } from './helpers/cli.js';

const report = fixtureReport();
const html = htmlReporter.render(report);

/** The contents of every `<script ...>` block, with its attributes. */
function scriptBlocks(page: string): { attributes: string; body: string }[] {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((match) => ({
    attributes: match[1]!,
    body: match[2]!,
  }));
}

/** Every attribute of every tag as [name, raw value] (script bodies skipped, quoted values parsed). */
function tagAttributes(page: string): [string, string][] {
  const markup = page.replace(/(<script[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2');
  const attributes: [string, string][] = [];
  for (const tag of markup.matchAll(
    /<[a-zA-Z][a-zA-Z0-9-]*((?:\s+[^\s=>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/g,
  )) {
    for (const attribute of tag[1]!.matchAll(/\s+([^\s=>"'/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?/g)) {
      attributes.push([attribute[1]!.toLowerCase(), (attribute[2] ?? '').replace(/^["']|["']$/g, '')]);
    }
  }
  return attributes;
}

/** Every URL-carrying attribute value. */
function urlAttributes(page: string): string[] {
  return tagAttributes(page)
    .filter(([name]) => /^(src|href|action|srcset|poster|data|formaction|xlink:href|background|ping)$/.test(name))
    .map(([, value]) => value);
}

const decodeEntities = (text: string): string =>
  text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('html reporter', () => {
  it('is registered as the html reporter', () => {
    expect(REPORTERS.html).toBe(htmlReporter);
    expect(htmlReporter.name).toBe('html');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  describe('escaping', () => {
    it('renders a hostile case name, description, file, tags, messages and versions as text', () => {
      expect(html).not.toMatch(/<script>alert/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).not.toMatch(/<svg/i);
      expect(html).not.toContain('<b>bold</b>');
      expect(html).not.toContain('<b>4.22.0</b>');
      expect(html).not.toContain('clickable <i>');
      expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;');
      expect(html).toContain('cases/&lt;img src=x onerror=alert(3)&gt;.yaml');
      expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(5)&lt;/script&gt; framework said no');
      expect(html).toContain('&lt;b&gt;4.22.0&lt;/b&gt;');
      expect(html).toContain('crop &lt;done&gt; by tconv');
    });

    it('has exactly one executable script, the report’s own, allowed by hash in the CSP', () => {
      const blocks = scriptBlocks(html);
      const executable = blocks.filter((block) => !/type="application\/json"/.test(block.attributes));
      expect(executable).toHaveLength(1);
      expect(executable[0]!.attributes).toBe('');
      const hash = createHash('sha256').update(executable[0]!.body, 'utf8').digest('base64');
      const csp = decodeEntities(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '');
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain(`script-src 'sha256-${hash}'`);
      // No inline event handlers anywhere (they would need 'unsafe-inline').
      const names = tagAttributes(html).map(([name]) => name);
      expect(names.length).toBeGreaterThan(100);
      expect(names.filter((name) => name.startsWith('on'))).toEqual([]);
    });

    it('keeps embedded JSON inside its script block', () => {
      const data = scriptBlocks(html).filter((block) => /type="application\/json"/.test(block.attributes));
      expect(data.length).toBe(2); // the two mismatching cases with embedded outputs
      for (const block of data) {
        expect(block.body).not.toMatch(/[<>&]/);
        expect(() => JSON.parse(block.body)).not.toThrow();
      }
      const hostile = {
        text: '</script><script>alert(1)</script><!-- & \u2028 \u2029',
        nan: Number.NaN,
        inf: -Infinity,
      };
      const encoded = jsonForScript(hostile);
      expect(encoded).not.toMatch(/[<>&\u2028\u2029]/);
      expect(JSON.parse(encoded)).toEqual({ text: hostile.text, nan: 'NaN', inf: '-Infinity' });
    });

    it('links only to http(s) URLs', () => {
      expect(safeHref('https://github.com/x/y/issues/1')).toBe('https://github.com/x/y/issues/1');
      expect(safeHref('http://example.org/a?b=c&d=e')).toBe('http://example.org/a?b=c&d=e');
      for (const bad of [
        'javascript:alert(1)',
        'JavaScript:alert(1)',
        ' javascript:alert(1)',
        'java\nscript:alert(1)',
        'data:text/html,<script>alert(1)</script>',
        'file:///etc/passwd',
        '//evil.example/x',
        'https://ok.example/" onmouseover="alert(1)',
        'https://ok.example/<script>',
        'vbscript:msgbox',
        '',
        undefined,
      ]) {
        expect(safeHref(bad), String(bad)).toBeNull();
      }
      expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
      expect(html).toContain('(link not shown: not an http(s) URL: <code>javascript:alert(4)</code>)');
      expect(html).toContain(
        '<a href="https://github.com/tensorflow/tfjs/issues/1" rel="noopener noreferrer" target="_blank">',
      );
    });
  });

  describe('anchors', () => {
    it('derives stable, readable anchors from case ids', () => {
      expect(caseAnchor('seeds/tf-doc-same-stride2')).toBe('case-seeds.tf-doc-same-stride2');
      expect(caseAnchor('a.b/c_d e')).toBe('case-a_2eb.c_5fd_20e');
      expect(variantAnchor('seeds/x', 'onnxruntime auto_pad=SAME_UPPER')).toBe(
        'case-seeds.x~onnxruntime_20auto_5fpad_3dSAME_5fUPPER',
      );
      expect(caseAnchor(HOSTILE_NAME)).toMatch(/^[A-Za-z0-9._~-]+$/);
      // The same report renders byte for byte the same.
      expect(htmlReporter.render(fixtureReport())).toBe(html);
    });

    it('is injective and URL-safe for any id', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
          expect(idFragment(a)).toMatch(/^[A-Za-z0-9._-]*$/);
          if (a !== b) expect(idFragment(a)).not.toBe(idFragment(b));
        }),
        { numRuns: 2000 },
      );
    });

    it('resolves every in-page link to an element id', () => {
      const ids = new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((match) => match[1]!));
      const targets = [...html.matchAll(/href="#([^"]*)"/g)].map((match) => match[1]!);
      expect(targets.length).toBeGreaterThan(10);
      for (const target of targets) expect(ids, target).toContain(target);
      for (const entry of report.cases) expect(ids).toContain(caseAnchor(entry.id));
      expect(ids.size).toBe([...html.matchAll(/\sid="([^"]*)"/g)].length); // ids are unique
    });
  });

  describe('self-contained', () => {
    it('loads nothing: the only http(s) URLs are user links', () => {
      const urls = urlAttributes(html);
      expect(urls.length).toBeGreaterThan(10);
      const external = urls.filter((url) => /^(https?:)?\/\//i.test(url.trim()));
      expect(external).toEqual(['https://github.com/tensorflow/tfjs/issues/1']);
      expect(urls.filter((url) => !url.startsWith('#') && !/^https?:/.test(url))).toEqual([]);
      expect(html).not.toMatch(/<link\b/i);
      expect(html).not.toMatch(/@import|url\(/i);
      expect(html).not.toMatch(/<(img|iframe|object|embed|video|audio|source)\b/i);
      expect(html).not.toMatch(/\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon)\b/);
    });

    it('renders a report with no cases', () => {
      const empty: RunReport = {
        ...report,
        cases: [],
        files: [],
        selection: { filter: [], shard: null, runners: [] },
        environment: { ...report.environment, runners: {} },
      };
      const page = htmlReporter.render(empty);
      expect(page).toContain('No cases were run.');
      expect(page).toContain('<table class="kv">');
      expect(page).not.toContain('id="matrix"');
      expect(scriptBlocks(page)).toHaveLength(1);
      expect(page.trimEnd().endsWith('</html>')).toBe(true);
    });
  });

  describe('content', () => {
    it('shows parameters, spellings, calls, statistics and diagnosis', () => {
      expect(html).toContain('<th>begin crop</th>');
      expect(html).toContain('<td>13</td>'); // full size of the hostile case's axes
      expect(html).toMatch(/cannot be spelled: /);
      expect(html).toContain('ConvTranspose(X, W, kernel_shape=[3, 3]');
      expect(html).toContain('native call');
      expect(html).toContain('greatest |difference|');
      expect(html).toContain('would pass with');
      expect(html).toContain('Worst elements');
      expect(html).toMatch(/<b>Diagnosis<\/b> \(shift/);
      expect(html).toContain('axis H: begin crop 1 → 0 (-1)');
      expect(html).toContain('data-case="case-hostile._3cscript_3ealert_281_29_3c.script_3e" data-variant="1"');
    });

    it('renders an older, generic comparison object as fields', () => {
      const old = fixtureReport();
      const variant = old.cases[1]!.variants[1]!;
      const generic = {
        ...old,
        cases: [
          {
            ...old.cases[1]!,
            variants: [
              {
                ...variant,
                judgement: {
                  ...variant.judgement,
                  comparison: {
                    matched: false,
                    total: 768,
                    mismatched: 1,
                    maxAbsDiff: 0.5,
                    maxAbsIndex: 384,
                    maxRelDiff: 4,
                    maxRelIndex: 384,
                  },
                },
              },
            ],
          },
        ],
      } as unknown as RunReport;
      const page = htmlReporter.render(generic);
      expect(page).toContain('<tr><th>maxAbsDiff</th><td>0.5</td></tr>');
    });

    it('packs outputs losslessly, non-finite values included', () => {
      const values = [0, -0.5, 1e-30, 3.4e38, 'NaN', 'Infinity', '-Infinity', 0.1] as (number | string)[];
      const packed = packArray(values);
      expect(packed.dtype).toBe('f64'); // 0.1 and 1e-30 are not float32
      const bytes = Buffer.from(packed.base64, 'base64');
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const back = Array.from({ length: values.length }, (_, index) => view.getFloat64(index * 8, true));
      expect(back).toEqual([0, -0.5, 1e-30, 3.4e38, Number.NaN, Infinity, -Infinity, 0.1]);
      expect(packArray([0.5, Math.fround(0.1), Number.NaN]).dtype).toBe('f32');
    });

    it('renders 1000 cases quickly', () => {
      const started = performance.now();
      const page = htmlReporter.render(manyCasesReport(1000));
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(page.match(/<tr data-anchor=/g)).toHaveLength(1000);
    });
  });
});

describe('tconv run --html', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tconv-html-cli-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes the report of the seed cases', async () => {
    const file = join(directory, 'report.html');
    const result = await runCli(['run', 'cases/seeds.yaml', '--runners', 'reference', '--html', file], {
      timeoutMs: 120_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const page = readFileSync(file, 'utf8');
    expect(page).toContain(`id="${caseAnchor('seeds/tf-doc-same-stride2')}"`);
    expect(page).toContain('tf.nn.conv2d_transpose(x, filters, output_shape=[1, 4, 4, 1]');
    expect(page).toContain('<div class="banner pass">');
  });
});
