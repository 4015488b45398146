// jest globalTeardown for the unit project: removes the run's temporary folder if no other project needs it.
import { leaveRunTempDir } from '../../support/run-temp-dir';

export default function globalTeardown(): void {
  leaveRunTempDir();
}
