import {vulnCheck} from '../vulns-host.js'

export const check = vulnCheck({
  id: 'security-updates-pending',
  title: 'No security update is pending',
  description:
    "Compares dpkg's installed versions with the root's own apt security lists (/var/lib/apt/lists/*security*_Packages) and OSV Debian records loaded by llmsec vulns; without a security list it fails.",
  select: (f) => f.ecosystem === 'Debian',
  areas: ['os'],
  absent: (report) =>
    report.inventory.dpkgPackages === 0 ? 'no dpkg package database (not a Debian-like system)' : null,
  // Without a security list no pending update can be seen: that is not "none pending".
  blind: (report) =>
    report.inventory.securityLists.length
      ? null
      : 'no security suite list in /var/lib/apt/lists (*security*_Packages), so pending security updates cannot be seen; configure the -security suite and run apt-get update',
})
