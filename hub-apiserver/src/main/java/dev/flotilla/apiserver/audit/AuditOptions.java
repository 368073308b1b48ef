package dev.flotilla.apiserver.audit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * kube-apiserver's audit log flags.
 *
 * @param logPath {@code --audit-log-path}: the file, "-" for standard output
 * @param policyFile {@code --audit-policy-file}; without one nothing is recorded, as upstream
 * @param maxSizeMb {@code --audit-log-maxsize}: rotate past this many megabytes (0: never)
 * @param maxBackups {@code --audit-log-maxbackup}: rotated files kept (0: all)
 * @param maxAgeDays {@code --audit-log-maxage}: days rotated files are kept (0: forever)
 */
public record AuditOptions(
    Path logPath, Optional<Path> policyFile, int maxSizeMb, int maxBackups, int maxAgeDays) {
  public AuditOptions {
    if (maxSizeMb < 0 || maxBackups < 0 || maxAgeDays < 0) {
      throw new IllegalArgumentException(
          "--audit-log-maxsize, --audit-log-maxbackup and --audit-log-maxage must be 0 or more");
    }
  }
}
