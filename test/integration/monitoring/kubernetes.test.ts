import {readdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {execa} from 'execa'
import {DaemonSet, type IDaemonSet} from 'kubernetes-models/apps/v1/DaemonSet'
import {CronJob, type ICronJob} from 'kubernetes-models/batch/v1/CronJob'
import {type IJob, Job} from 'kubernetes-models/batch/v1/Job'
import {ConfigMap, type IConfigMap} from 'kubernetes-models/v1/ConfigMap'
import type {IContainer} from 'kubernetes-models/v1/Container'
import {type INamespace, Namespace} from 'kubernetes-models/v1/Namespace'
import type {IPodSpec} from 'kubernetes-models/v1/PodSpec'
import {type IServiceAccount, ServiceAccount} from 'kubernetes-models/v1/ServiceAccount'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseAllDocuments} from 'yaml'

import {buildCarelessRoot} from '../../helpers/audit-roots.js'
import {binPath, repoRoot} from '../../helpers/cli.js'
import {hasTool, isRoot, skipReason} from '../../helpers/env.js'
import {buildRoot, removeRoot} from '../../helpers/rootfs.js'

const MANIFESTS = join(repoRoot, 'contrib', 'kubernetes')
/** The one capability the audit containers keep: reading root-owned files past their modes. */
const AUDIT_CAPS = ['DAC_READ_SEARCH']

type Doc = {kind: string} & Record<string, unknown>
/** kubernetes-models by kind: each validates against the Kubernetes API's OpenAPI schema. */
const VALIDATORS: Record<string, (doc: unknown) => void> = {
  ConfigMap: (doc) => new ConfigMap(doc as IConfigMap).validate(),
  CronJob: (doc) => new CronJob(doc as ICronJob).validate(),
  DaemonSet: (doc) => new DaemonSet(doc as IDaemonSet).validate(),
  Job: (doc) => new Job(doc as IJob).validate(),
  Namespace: (doc) => new Namespace(doc as INamespace).validate(),
  ServiceAccount: (doc) => new ServiceAccount(doc as IServiceAccount).validate(),
}

async function manifests(): Promise<{file: string; doc: Doc}[]> {
  const out: {file: string; doc: Doc}[] = []
  for (const file of (await readdir(MANIFESTS)).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const parsed of parseAllDocuments(await readFile(join(MANIFESTS, file), 'utf8'))) {
      if (Array.isArray(parsed)) throw new Error(`${file}: not a YAML stream`)
      expect(parsed.errors, file).toEqual([])
      out.push({file, doc: parsed.toJS() as Doc})
    }
  }
  return out
}

function validate(doc: Doc): void {
  const check = VALIDATORS[doc.kind]
  if (!check) throw new Error(`no schema model for kind ${doc.kind}`)
  check(doc)
}

function podSpec(doc: Doc): IPodSpec | undefined {
  if (doc.kind === 'CronJob') return (doc as unknown as ICronJob).spec!.jobTemplate.spec!.template.spec
  if (doc.kind === 'Job') return (doc as unknown as IJob).spec!.template.spec
  if (doc.kind === 'DaemonSet') return (doc as unknown as IDaemonSet).spec!.template.spec
  return undefined
}

const containersOf = (pod: IPodSpec): IContainer[] => [...(pod.initContainers ?? []), ...pod.containers]
const isAudit = (c: IContainer) => String(c.image).startsWith('llmsec:')

/** Runs an audit container's arguments as the container would: root with only its capabilities. */
function runAsContainer(container: IContainer, hostRoot: string, home: string) {
  const caps = (container.securityContext?.capabilities?.add ?? []).map((c) => `+${c.toLowerCase()}`)
  const args = (container.args ?? []).map((a) => (a === '/host' ? hostRoot : a))
  return execa(
    'setpriv',
    [
      '--bounding-set',
      ['-all', ...caps].join(','),
      '--inh-caps=-all',
      '--no-new-privs',
      '--',
      process.execPath,
      binPath,
      ...args,
    ],
    {cwd: '/', reject: false, timeout: 120_000, env: {HOME: home, NO_COLOR: '1'}, extendEnv: false},
  )
}

describe('contrib/kubernetes manifests', () => {
  let docs: {file: string; doc: Doc}[] = []
  let pods: {file: string; pod: IPodSpec}[] = []
  beforeAll(async () => {
    docs = await manifests()
    pods = docs.flatMap(({file, doc}) => {
      const pod = podSpec(doc)
      return pod ? [{file, pod}] : []
    })
  })

  it('validate against the Kubernetes API schemas; a broken twin is refused', () => {
    expect(docs.map((d) => `${d.file}:${d.doc.kind}`)).toEqual([
      'cronjob.yaml:CronJob',
      'daemonset.yaml:DaemonSet',
      'job.yaml:Job',
      'namespace.yaml:Namespace',
      'namespace.yaml:ServiceAccount',
    ])
    for (const {file, doc} of docs) expect(() => validate(doc), file).not.toThrow()
    const broken = structuredClone(docs.find((d) => d.doc.kind === 'Job')!.doc)
    const container: Partial<IContainer> = podSpec(broken)!.containers[0]
    container.securityContext = {...container.securityContext, readOnlyRootFilesystem: 'yes' as unknown as boolean}
    expect(() => validate(broken)).toThrow(/readOnlyRootFilesystem must be boolean/)
    delete container.name
    expect(() => validate(broken)).toThrow(/containers\/0 must have required property name/)
  })

  it('run on GPU nodes with least privilege and the node root read-only at /host', () => {
    expect(pods.map((p) => p.file)).toEqual(['cronjob.yaml', 'daemonset.yaml', 'job.yaml'])
    for (const {file, pod} of pods) {
      expect(pod.nodeSelector, file).toEqual({'nvidia.com/gpu.present': 'true'})
      expect(pod.tolerations, file).toContainEqual({key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule'})
      expect(pod.automountServiceAccountToken, file).toBe(false)
      expect([pod.hostNetwork, pod.hostPID, pod.hostIPC], file).toEqual([undefined, undefined, undefined])
      expect(pod.securityContext?.seccompProfile, file).toEqual({type: 'RuntimeDefault'})
      const hostVolumes = (pod.volumes ?? []).filter((v) => v.hostPath)
      expect(
        hostVolumes.map((v) => v.hostPath?.path),
        file,
      ).toEqual(['/'])
      for (const container of containersOf(pod)) {
        const where = `${file} ${container.name}`
        const sc = container.securityContext ?? {}
        expect(sc.privileged, where).toBe(false)
        expect(sc.allowPrivilegeEscalation, where).toBe(false)
        expect(sc.readOnlyRootFilesystem, where).toBe(true)
        expect(sc.capabilities?.drop, where).toEqual(['ALL'])
        expect(sc.capabilities?.add ?? [], where).toEqual(isAudit(container) ? AUDIT_CAPS : [])
        if (!isAudit(container)) expect(sc.runAsNonRoot, where).toBe(true)
        expect(Object.keys(container.resources?.limits ?? {}).sort(), where).toEqual(['cpu', 'memory'])
        for (const mount of container.volumeMounts ?? []) {
          if (hostVolumes.some((v) => v.name === mount.name))
            expect(mount, where).toMatchObject({mountPath: '/host', readOnly: true})
        }
      }
    }
  })

  it('share one audit container, tagged with this package version, printing JSON to stdout', async () => {
    const {version} = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {version: string}
    const audits = pods.map(({pod}) => containersOf(pod).filter(isAudit))
    for (const list of audits) expect(list).toHaveLength(1)
    for (const [container] of audits.slice(1)) expect(container).toEqual(audits[0][0])
    const [audit] = audits[0]
    expect(audit.image).toBe(`llmsec:${version}`)
    expect(audit.args?.slice(0, 5)).toEqual(['audit', '--root', '/host', '--format', 'json'])
    expect(audit.args).not.toContain('--output')
  })

  describe.skipIf(
    skipReason(
      !isRoot || !hasTool('setpriv'),
      "needs root and setpriv to run the containers' command with their capabilities only",
    ),
  )('the audit command against a fixture root', () => {
    let root = ''
    let work = ''
    beforeAll(async () => {
      root = await buildCarelessRoot()
      work = await buildRoot({'/home': {dir: 0o700}}, 'llmsec-k8s-')
    })
    afterAll(async () => {
      await removeRoot(root)
      await removeRoot(work)
    })

    it('runs as root with CAP_DAC_READ_SEARCH only, exits 0 on findings and prints the result', async () => {
      for (const {file, pod} of pods) {
        const run = await runAsContainer(containersOf(pod).find(isAudit)!, root, join(work, 'home'))
        expect(run.exitCode, `${file}: ${run.stderr}`).toBe(0)
        const result = JSON.parse(String(run.stdout)) as {score: number; rules: {ruleId: string; status: string}[]}
        expect(result.score, file).toBeLessThan(50)
        expect(result.rules.find((r) => r.ruleId === 'inference-bind-loopback')?.status, file).toBe('fail')
      }
    }, 300_000)

    it.skipIf(skipReason(!hasTool('kubectl'), 'kubectl is not installed: the ConfigMap pattern is not run'))(
      'the documented ConfigMap pattern makes a valid ConfigMap holding the result',
      async () => {
        const job = pods.find((p) => p.file === 'job.yaml')!.pod
        const run = await runAsContainer(job.containers[0], root, join(work, 'home'))
        await writeFile(join(work, 'audit.json'), String(run.stdout))
        const made = await execa(
          'kubectl',
          [
            '-n',
            'llmsec',
            'create',
            'configmap',
            'llmsec-audit-gpu1',
            `--from-file=audit.json=${join(work, 'audit.json')}`,
            '--dry-run=client',
            '-o',
            'json',
          ],
          {reject: false, timeout: 60_000, env: {KUBECONFIG: join(work, 'no-kubeconfig')}},
        )
        expect(made.exitCode, String(made.stderr)).toBe(0)
        const configMap = JSON.parse(String(made.stdout)) as Doc & IConfigMap
        expect(() => validate(configMap)).not.toThrow()
        expect(JSON.parse(configMap.data?.['audit.json'] ?? '')).toEqual(JSON.parse(String(run.stdout)))
        // A ConfigMap holds at most 1 MiB.
        expect(Buffer.byteLength(String(made.stdout))).toBeLessThan(1024 * 1024)
      },
    )
  })
})
