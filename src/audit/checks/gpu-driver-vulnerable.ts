import {vulnCheck} from '../vulns-host.js'

export const check = vulnCheck({
  id: 'gpu-driver-vulnerable',
  title: "The NVIDIA driver has the fixes of NVIDIA's security bulletins for its branch",
  description:
    "Compares the NVIDIA driver version (the loaded kernel module on a live host, else dpkg's driver packages) with the fixed version per branch (R535, R550, R570, R580…) in NVIDIA's security bulletins.",
  select: (f) => f.ecosystem === 'product' && f.package === 'nvidia-driver',
  areas: ['product'],
  absent: (report) =>
    report.inventory.products.some((p) => p.name === 'nvidia-driver') ? null : 'no NVIDIA driver found',
})
