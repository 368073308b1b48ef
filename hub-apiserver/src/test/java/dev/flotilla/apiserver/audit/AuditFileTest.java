package dev.flotilla.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation by size, backups kept by count, and owner-only files. */
class AuditFileTest {
  @Test
  void rotatesPastMaxSizeAndKeepsMaxBackups(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("audit.log");
    byte[] line = new byte[100 * 1024];
    Arrays.fill(line, (byte) 'x');
    line[line.length - 1] = '\n';
    try (AuditFile file = new AuditFile(log, 1, 2, 0)) {
      for (int i = 0; i < 45; i++) { // 4.5 MB: four rotations
        file.write(line);
      }
      file.flush();
      assertEquals(2, file.backups().size(), "only maxbackup rotated files are kept");
    }
    assertTrue(Files.size(log) <= 1024 * 1024, "the live file stays under maxsize");
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        assertTrue(
            p.getFileName()
                .toString()
                .matches("audit(-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3})?\\.log"),
            p.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        assertTrue(Files.size(p) <= 1024 * 1024, p + " is over maxsize");
      }
    }
  }

  @Test
  void appendsAcrossRestarts(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("audit.log");
    try (AuditFile file = new AuditFile(log, 0, 0, 0)) {
      file.write("a\n".getBytes());
    }
    try (AuditFile file = new AuditFile(log, 0, 0, 0)) {
      file.write("b\n".getBytes());
    }
    assertEquals("a\nb\n", Files.readString(log));
  }
}
