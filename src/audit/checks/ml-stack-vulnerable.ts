import {vulnCheck} from '../vulns-host.js'

/** Products judged by their own checks. */
const OWN_CHECKS = new Set(['nvidia-driver', 'nvidia-container-toolkit'])

export const check = vulnCheck({
  id: 'ml-stack-vulnerable',
  title: 'No ML-stack package has a known vulnerability',
  description:
    'Python distributions of every environment (torch, transformers, vllm, ray, mlflow, gradio, jupyter, llama-cpp-python, …) and inference binaries against the OSV advisory data of llmsec vulns.',
  select: (f) => f.ecosystem === 'PyPI' || (f.ecosystem === 'product' && !OWN_CHECKS.has(f.package)),
  areas: ['python', 'product'],
  absent: (report) =>
    report.inventory.pythonPackages === 0 && report.inventory.products.every((p) => OWN_CHECKS.has(p.name))
      ? 'no Python environment or inference binary found'
      : null,
})
