import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** Where every checked page leaves its screenshots; README "Screenshots" names it, CI keeps it. */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../../../artifacts/screenshots');

export const VARIANTS = [
  { name: 'phone-light', width: 390, height: 844, colorScheme: 'light' },
  { name: 'phone-dark', width: 390, height: 844, colorScheme: 'dark' },
  { name: 'desktop-light', width: 1280, height: 800, colorScheme: 'light' },
  { name: 'desktop-dark', width: 1280, height: 800, colorScheme: 'dark' },
] as const;

export interface PageProblem {
  page: string;
  variant: string;
  problem: string;
}

interface AxeResult {
  violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown }> }>;
}

/**
 * Checks the page already open in `page` in every variant (phone and desktop, light and dark):
 * nothing wider than the window, and no serious or critical axe-core violation. Saves a screenshot
 * of each variant. Returns what it found, as readable lines.
 */
export async function checkPage(page: Page, name: string): Promise<PageProblem[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const problems: PageProblem[] = [];
  for (const variant of VARIANTS) {
    await page.setViewportSize({ width: variant.width, height: variant.height });
    await page.emulateMedia({ colorScheme: variant.colorScheme });
    // Strings, not functions: this package is typed without the DOM.
    const widths = (await page.evaluate(
      '({ scroll: document.documentElement.scrollWidth, window: window.innerWidth })',
    )) as { scroll: number; window: number };
    if (widths.scroll > widths.window)
      problems.push({
        page: name,
        variant: variant.name,
        problem: `scrolls sideways: ${widths.scroll}px wide in a ${widths.window}px window`,
      });
    for (const violation of await axeViolations(page))
      problems.push({ page: name, variant: variant.name, problem: violation });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${variant.name}.png`), fullPage: true });
  }
  return problems;
}

/** axe-core's serious and critical findings; evaluated through devtools, which the page's CSP does not govern. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("'axe' in window"))) await page.evaluate(axe.source);
  const result = (await page.evaluate('axe.run()')) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`,
    );
}
