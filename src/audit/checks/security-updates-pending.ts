import {vulnCheck} from '../vulns-host.js'

export const check = vulnCheck({
  id: 'security-updates-pending',
  title: 'No security update is pending',
  description:
    "Compares dpkg's installed versions with the root's own apt security lists (/var/lib/apt/lists/*security*_Packages) and OSV Debian records loaded by llmsec vulns.",
  select: (f) => f.ecosystem === 'Debian',
  areas: ['os'],
  absent: (report) =>
    report.inventory.dpkgPackages === 0 ? 'no dpkg package database (not a Debian-like system)' : null,
})
