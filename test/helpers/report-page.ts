import {pathToFileURL} from 'node:url'

import type {Browser, Page} from 'playwright-core'

/** An HTML report open in a browser page, with what the page logged or fetched. */
export interface OpenedReport {
  page: Page
  /** Console errors and warnings, and uncaught page errors. */
  errors: string[]
  /** Every request for something other than a local file (a report must need none). */
  foreignRequests: string[]
}

/** Opens a report file and waits until its script marks the body ready. */
export async function openReport(browser: Browser, file: string, timeoutMs: number): Promise<OpenedReport> {
  const page = await browser.newPage({viewport: {width: 1280, height: 900}})
  const errors: string[] = []
  const foreignRequests: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('request', (r) => {
    if (!r.url().startsWith('file://')) foreignRequests.push(r.url())
  })
  await page.goto(pathToFileURL(file).href)
  await page.waitForSelector('body[data-ready="true"]', {timeout: timeoutMs})
  return {page, errors, foreignRequests}
}
