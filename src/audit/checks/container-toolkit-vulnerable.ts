import {vulnCheck} from '../vulns-host.js'

export const check = vulnCheck({
  id: 'container-toolkit-vulnerable',
  title: 'The NVIDIA Container Toolkit has no known container-escape vulnerability',
  description:
    "Compares nvidia-container-toolkit's dpkg version with NVIDIA's security bulletins (CVE-2024-0132, CVE-2025-23266, …).",
  select: (f) => f.ecosystem === 'product' && f.package === 'nvidia-container-toolkit',
  areas: ['product'],
  absent: (report) =>
    report.inventory.products.some((p) => p.name === 'nvidia-container-toolkit')
      ? null
      : 'nvidia-container-toolkit is not installed',
})
