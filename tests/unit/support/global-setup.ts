// jest globalSetup for the unit project: the run's temporary folder (see tests/support/run-temp-dir.ts).
import { enterRunTempDir } from '../../support/run-temp-dir';

export default function globalSetup(): void {
  enterRunTempDir();
}
