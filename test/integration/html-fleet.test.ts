import {existsSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {chromium, type Browser, type Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {RuleResult} from '../../src/audit/index.js'
import {auditOf} from '../helpers/audit-results.js'
import {runCli} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {openReport} from '../helpers/report-page.js'

const CHROMIUM = '/usr/bin/chromium'
const HOSTS = 300
const noChromium = skipReason(
  !existsSync(CHROMIUM),
  `${CHROMIUM} is not installed (apt-get install chromium): fleet HTML not rendered`,
)

/** Host names in file order: gpu-001 … with every 40th a database host (db-…), 8 in all. */
const hostName = (i: number) =>
  i % 40 === 7 ? `db-${String(i).padStart(3, '0')}` : `gpu-${String(i).padStart(3, '0')}`

function rule(ruleId: string, status: RuleResult['status'], severity: RuleResult['severity']): RuleResult {
  return {
    ruleId,
    title: `Title of ${ruleId}`,
    status,
    severity,
    controls: {'nist-800-53': ['AC-3']},
    evidence: [`saw ${ruleId}`],
    remediation: `Fix ${ruleId}.`,
    ...(status === 'error' ? {reason: 'boom'} : {}),
  }
}

/** bind-loopback fails on every host, ssh-root on every other one, auditd on every third. */
function hostResult(i: number) {
  return auditOf(
    [
      rule('bind-loopback', 'fail', 'critical'),
      rule('ssh-root', i % 2 ? 'pass' : 'fail', 'high'),
      rule('auditd', i % 3 ? 'pass' : 'fail', 'medium'),
      rule('firewall', 'pass', 'high'),
      rule('kernel', i % 5 ? 'pass' : 'error', 'low'),
    ],
    'baseline',
    {host: hostName(i), llmsecVersion: '0.1.0', startedAt: '2026-12-01T10:00:00.000Z'},
  )
}

describe.skipIf(noChromium)(`fleet HTML report of ${HOSTS} hosts in headless Chromium`, () => {
  let dir: string
  let browser: Browser
  let page: Page
  let errors: string[] = []
  let foreignRequests: string[] = []

  const visibleHosts = () => page.locator('#hosts tbody tr:visible td:first-child').allTextContents()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-html-fleet-'))
    const files: string[] = []
    for (let i = 1; i <= HOSTS; i++) {
      const file = join(dir, `${hostName(i)}.json`)
      await writeFile(file, JSON.stringify(hostResult(i)))
      files.push(file)
    }
    const html = join(dir, 'fleet.html')
    const run = await runCli(['report', ...files, '--format', 'html', '--output', html])
    expect(run.exitCode, run.stderr).toBe(0)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    })
    ;({page, errors, foreignRequests} = await openReport(browser, html, 20_000))
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  it('shows the top failures across the fleet first, the most widespread on top', async () => {
    // A string: the test's TypeScript has no DOM types.
    const before = await page.evaluate(
      "Boolean(document.getElementById('top-failures').compareDocumentPosition(document.getElementById('hosts')) & Node.DOCUMENT_POSITION_FOLLOWING)",
    )
    expect(before).toBe(true)
    const rows = await page.locator('#top-failures tbody tr').allTextContents()
    expect(rows[0]).toContain('bind-loopback')
    expect(rows[0]).toContain(`${HOSTS} of ${HOSTS}`)
    expect(rows[1]).toContain('ssh-root')
    expect(rows[1]).toContain(`${HOSTS / 2} of ${HOSTS}`)
  })

  it('pages through the hosts 50 at a time', async () => {
    expect(await page.locator('#hosts tbody tr').count()).toBe(HOSTS)
    const first = await visibleHosts()
    expect(first).toHaveLength(50)
    expect(first[0]).toBe(hostName(1))
    expect(await page.locator('#hosts-pages .page-label').textContent()).toBe('page 1 of 6')
    expect(await page.locator('#hosts-pages button', {hasText: 'previous'}).isDisabled()).toBe(true)
    await page.locator('#hosts-pages button', {hasText: 'next'}).click()
    const second = await visibleHosts()
    expect(second).toHaveLength(50)
    expect(second[0]).toBe(hostName(51))
    for (let i = 0; i < 4; i++) await page.locator('#hosts-pages button', {hasText: 'next'}).click()
    expect(await page.locator('#hosts-pages .page-label').textContent()).toBe('page 6 of 6')
    expect((await visibleHosts()).at(-1)).toBe(hostName(HOSTS))
    expect(await page.locator('#hosts-pages button', {hasText: 'next'}).isDisabled()).toBe(true)
  })

  it('searches the hosts table (all pages), and the search starts again at page 1', async () => {
    await page.fill('#hosts-text', 'db-')
    const dbs = await visibleHosts()
    expect(dbs).toEqual(Array.from({length: 8}, (_, k) => hostName(40 * k + 7)))
    expect(await page.locator('#hosts-count').textContent()).toBe(`8 of ${HOSTS} match`)
    expect(await page.locator('#hosts-pages .page-label').textContent()).toBe('page 1 of 1')
    await page.fill('#hosts-text', 'gpu-123')
    expect(await visibleHosts()).toEqual(['gpu-123'])
    await page.fill('#hosts-text', '')
    expect(await visibleHosts()).toHaveLength(50)
    expect(await page.locator('#hosts-count').textContent()).toBe(`${HOSTS} of ${HOSTS} match`)
  })

  it('pages and filters the failures of every host', async () => {
    expect(await page.locator('#rules tbody tr:visible').count()).toBe(50)
    await page.selectOption('#filter-host', 'gpu-120')
    // gpu-120: bind-loopback, ssh-root and auditd fail; kernel errors.
    const rows = page.locator('#rules tbody tr:visible')
    expect(await rows.count()).toBe(4)
    expect(await page.locator('#rules tbody tr:visible[data-host="gpu-120"]').count()).toBe(4)
    await page.selectOption('#filter-host', '')
    await page.fill('#filter-text', 'auditd')
    expect(await page.locator('#filter-count').textContent()).toBe(
      `${HOSTS / 3} of ${await page.locator('#rules tbody tr').count()} match`,
    )
    expect(await page.locator('#rules tbody tr:visible').count()).toBe(50)
  })

  it('works offline with no console errors (the CSP allows its one script)', () => {
    expect(errors).toEqual([])
    expect(foreignRequests).toEqual([])
  })
})
