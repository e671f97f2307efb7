import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {generateKeyPairPem, signModel} from '../../../../src/artifacts/index.js'
import {check} from '../../../../src/audit/checks/model-signature.js'
import {checkTester} from '../../../helpers/check-tester.js'
import {safetensorsBytes} from '../../../helpers/rootfs.js'

const signer = generateKeyPairPem('ecdsa-p256')
const other = generateKeyPairPem('ecdsa-p256')
const keys = {
  '/keys/private.pem': {content: signer.privatePem, mode: 0o600},
  '/keys/public.pem': signer.publicPem,
  '/keys/other.pem': other.publicPem,
}
const model = {
  ...keys,
  '/srv/models/llama/model.safetensors': safetensorsBytes(),
  '/srv/models/llama/config.json': '{"architectures": ["LlamaForCausalLM"]}\n',
}
const sign = (dir: string) => async (root: string) => {
  await signModel(join(root, dir), {key: join(root, 'keys/private.pem')})
}
const trust =
  (name = 'public.pem') =>
  (root: string) => ({key: join(root, 'keys', name)})

checkTester.run(check, {
  valid: [
    {
      name: 'a model directory whose model.sig verifies against signing.publicKey',
      files: model,
      setup: sign('srv/models/llama'),
      trust: trust(),
      evidence: ['/srv/models/llama/model.sig verifies'],
    },
  ],
  invalid: [
    {
      name: 'weights changed after signing: fails with the changed file named',
      status: 'fail',
      files: model,
      setup: async (root) => {
        await sign('srv/models/llama')(root)
        await writeFile(join(root, 'srv/models/llama/config.json'), '{"architectures": ["Evil"]}\n')
      },
      trust: trust(),
      includes: [/^\/srv\/models\/llama\/model\.sig: config\.json .*digest/i],
    },
    {
      name: 'a file added after signing',
      status: 'fail',
      files: model,
      setup: async (root) => {
        await sign('srv/models/llama')(root)
        await writeFile(join(root, 'srv/models/llama/extra.safetensors'), safetensorsBytes())
      },
      trust: trust(),
      includes: [/extra\.safetensors/],
    },
    {
      name: 'signed by a key that is not trusted',
      status: 'fail',
      files: model,
      setup: sign('srv/models/llama'),
      trust: trust('other.pem'),
      includes: [/^\/srv\/models\/llama\/model\.sig: /],
    },
    {
      name: 'a model.sig that is no signature',
      status: 'fail',
      files: {...model, '/srv/models/llama/model.sig': '{}'},
      trust: trust(),
      includes: [/^\/srv\/models\/llama\/model\.sig: does not verify: /],
    },
    {
      name: 'a signature without configured trust is an error with the hint, never a pass',
      status: 'error',
      files: model,
      setup: sign('srv/models/llama'),
      reason: /^no signing trust is configured: set signing\.publicKey/,
    },
    {
      name: 'an unsigned model',
      status: 'fail',
      files: {'/opt/models/x/model.safetensors': safetensorsBytes()},
      location: '/opt/models/x/model.safetensors',
    },
    {
      // A model.sig above the model directory does not cover it.
      name: 'a signature outside the model root',
      status: 'fail',
      files: {'/srv/model.sig': '{}', '/srv/models/m.safetensors': safetensorsBytes()},
      location: '/srv/models/m.safetensors',
    },
  ],
})
