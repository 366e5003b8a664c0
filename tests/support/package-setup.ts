// The package lane's setup: one folder per run where each packaging target is packaged once (tests/support/package.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup() {
  const packages = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-packages-'));
  process.env.TYREHERO_PACKAGE_CACHE ??= packages;
  return () => rmSync(packages, { recursive: true, force: true });
}
