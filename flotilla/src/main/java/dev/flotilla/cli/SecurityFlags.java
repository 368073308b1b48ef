package dev.flotilla.cli;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.audit.AuditOptions;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** kube-apiserver's audit and encryption-at-rest flags, under their upstream names. */
final class SecurityFlags {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--audit-log-path",
      description =
          "Write audit.k8s.io/v1 Events, one JSON object a line, to this file ('-' for standard"
              + " output). Needs --audit-policy-file.")
  Path auditLogPath;

  @Option(
      names = "--audit-policy-file",
      description = "The audit.k8s.io/v1 Policy deciding what is recorded, at which level.")
  Path auditPolicyFile;

  @Option(
      names = "--audit-log-maxsize",
      defaultValue = "0",
      description = "Rotate the audit log past this many megabytes (0: never).")
  int auditLogMaxSize;

  @Option(
      names = "--audit-log-maxbackup",
      defaultValue = "0",
      description = "Rotated audit log files to keep (0: all).")
  int auditLogMaxBackup;

  @Option(
      names = "--audit-log-maxage",
      defaultValue = "0",
      description = "Days to keep rotated audit log files (0: forever).")
  int auditLogMaxAge;

  @Option(
      names = "--encryption-provider-config",
      description =
          "An apiserver.config.k8s.io/v1 EncryptionConfiguration: which resources are encrypted"
              + " at rest (aesgcm, secretbox or identity).")
  Path encryptionProviderConfig;

  @Option(
      names = "--anonymous-auth",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Serve requests that present no credential as system:anonymous (group"
              + " system:unauthenticated), authorized by RBAC: by default it may read /healthz,"
              + " /livez, /readyz and /version. kube-apiserver's default is true; the hub's is"
              + " false, so a request without a token is a 401 (default: ${DEFAULT-VALUE}).")
  boolean anonymousAuth;

  HubConfig.Security toConfig() {
    if (auditLogPath == null && auditPolicyFile != null) {
      throw new ParameterException(
          mixee.commandLine(),
          "--audit-policy-file needs --audit-log-path: where should the events be written?");
    }
    Optional<AuditOptions> audit =
        auditLogPath == null
            ? Optional.empty()
            : Optional.of(
                new AuditOptions(
                    auditLogPath,
                    Optional.ofNullable(auditPolicyFile),
                    auditLogMaxSize,
                    auditLogMaxBackup,
                    auditLogMaxAge));
    return new HubConfig.Security(
        audit, Optional.ofNullable(encryptionProviderConfig), anonymousAuth);
  }
}
