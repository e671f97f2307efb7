import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {chromium, type Browser} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AuditReport} from '../../src/audit/reports/index.js'
import {buildCarelessRoot, buildHardenedRoot} from '../helpers/audit-roots.js'
import {repoRoot, runCli} from '../helpers/cli.js'
import {skipReason} from '../helpers/env.js'
import {openReport, type OpenedReport} from '../helpers/report-page.js'
import {removeRoot} from '../helpers/rootfs.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = join(repoRoot, 'test-artifacts')
const noChromium = skipReason(
  !existsSync(CHROMIUM),
  `${CHROMIUM} is not installed (apt-get install chromium): HTML report not rendered`,
)

describe.skipIf(noChromium)('HTML reports in headless Chromium', () => {
  let dir: string
  let browser: Browser
  const roots: string[] = []
  const audits: {json: AuditReport; html: string; jsonFile: string}[] = []

  async function auditRoot(root: string, name: string, host: string) {
    const out = join(dir, name)
    const run = await runCli([
      'audit',
      '--root',
      root,
      '--allow-incomplete',
      '--format',
      'json',
      '--format',
      'html',
      '--output-dir',
      out,
    ])
    expect(run.exitCode, run.stderr).toBeLessThan(2)
    const jsonFile = join(out, 'llmsec-audit.json')
    const json = JSON.parse(await readFile(jsonFile, 'utf8')) as AuditReport
    // Results of a fleet come from different machines; these two roots were audited on one.
    json.host = host
    await writeFile(jsonFile, JSON.stringify(json))
    audits.push({json, html: join(out, 'llmsec-audit.html'), jsonFile})
  }

  const open = (file: string): Promise<OpenedReport> => openReport(browser, file, 10_000)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmsec-html-'))
    roots.push(await buildCarelessRoot(), await buildHardenedRoot())
    await auditRoot(roots[0], 'careless', 'gpu-careless')
    await auditRoot(roots[1], 'hardened', 'gpu-hardened')
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    await mkdir(ARTIFACTS, {recursive: true})
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    for (const root of roots) await removeRoot(root)
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  it('renders the score of the JSON, the charts and the filterable table with no console errors', async () => {
    const {json, html} = audits[0]
    const {page, errors, foreignRequests} = await open(html)
    expect(await page.locator('#score-gauge').getAttribute('data-score')).toBe(json.score.toFixed(1))
    expect(await page.locator('#score-gauge .gauge-value').textContent()).toBe(json.score.toFixed(1))
    expect(await page.locator('#family-chart g.bar').count()).toBeGreaterThan(3)
    expect(await page.locator('#severity-chart rect[data-status="fail"]').count()).toBeGreaterThan(0)
    const box = await page.locator('#family-chart').boundingBox()
    expect(box?.width).toBeGreaterThan(200)
    const total = json.rules.length
    expect(await page.locator('#rules tbody tr').count()).toBe(total)
    await page.selectOption('#filter-status', 'fail')
    expect(await page.locator('#rules tbody tr:visible').count()).toBe(json.summary.fail)
    expect(await page.locator('#filter-count').textContent()).toBe(`${json.summary.fail} of ${total} shown`)
    await page.selectOption('#filter-status', '')
    await page.fill('#filter-text', 'sshd_config')
    expect(await page.locator('#rules tbody tr:visible').count()).toBeGreaterThan(0)
    expect(await page.locator('#rules tbody tr:visible').count()).toBeLessThan(total)
    await page.fill('#filter-text', '')
    expect(await page.locator('#inventory').textContent()).toContain('Debian GNU/Linux 12')
    await page.screenshot({path: join(ARTIFACTS, 'audit-report.png'), fullPage: true})
    await page.emulateMedia({media: 'print'})
    expect(await page.locator('.filters').isVisible()).toBe(false)
    expect(errors).toEqual([])
    expect(foreignRequests).toEqual([])
    await page.close()
  })

  it('llmsec report a.json b.json --format html makes a fleet report of two hosts', async () => {
    const fleetFile = join(dir, 'fleet.html')
    const run = await runCli([
      'report',
      audits[0].jsonFile,
      audits[1].jsonFile,
      '--format',
      'html',
      '--output',
      fleetFile,
    ])
    expect(run.exitCode, run.stderr).toBe(0)
    const {page, errors, foreignRequests} = await open(fleetFile)
    const hosts = await page.locator('#hosts tbody tr').allTextContents()
    expect(hosts).toHaveLength(2)
    expect(hosts[0]).toContain('gpu-careless')
    expect(hosts[0]).toContain(audits[0].json.score.toFixed(1))
    expect(hosts[1]).toContain('gpu-hardened')
    expect(await page.locator('#host-chart g.bar').count()).toBe(2)
    const mean = Math.round(((audits[0].json.score + audits[1].json.score) / 2) * 10) / 10
    expect(await page.locator('#score-gauge').getAttribute('data-score')).toBe(mean.toFixed(1))
    await page.selectOption('#filter-host', 'gpu-careless')
    const shown = await page.locator('#rules tbody tr:visible').count()
    expect(shown).toBeGreaterThan(0)
    expect(await page.locator('#rules tbody tr:visible[data-host="gpu-careless"]').count()).toBe(shown)
    await page.screenshot({path: join(ARTIFACTS, 'fleet-report.png'), fullPage: true})
    expect(errors).toEqual([])
    expect(foreignRequests).toEqual([])
    await page.close()
  })
})
