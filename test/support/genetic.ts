// The consent page's separate consent for genetic data (src/contract/separate-consent.ts), as the
// journeys meet it: every app that reads `variant.*` (the fixtures' web-app does) asks for it.
import type { Page } from 'playwright-core'

/** The step's checkbox label, in either language. */
export const GENETIC_AGREE = /may read my genetic data|读取我的基因数据/

/** Ticks the step, as a person does before Authorize. */
export async function agreeToGeneticData(page: Page): Promise<void> {
  await page.getByRole('checkbox', { name: GENETIC_AGREE }).check()
}
