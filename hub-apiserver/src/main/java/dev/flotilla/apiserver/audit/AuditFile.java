package dev.flotilla.apiserver.audit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The audit log file with kube-apiserver's rotation (its lumberjack logger): past {@code maxsize}
 * megabytes the file is renamed {@code <name>-<UTC time>.<ext>} and a new one begun; backups beyond
 * {@code maxbackup} or older than {@code maxage} days are removed. Files are created 0600: an audit
 * log may hold request bodies. Only the audit writer thread uses it.
 */
final class AuditFile implements AutoCloseable {
  private static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS");

  private final Path path;
  private final long maxBytes;
  private final int maxBackups;
  private final int maxAgeDays;
  private final String stem;
  private final String ext;
  private OutputStream out;
  private long size;

  /**
   * @param path the log file, or "-" for standard output (never rotated)
   * @param maxSizeMb rotate past this many megabytes, 0 for never
   * @param maxBackups keep at most this many rotated files, 0 for all
   * @param maxAgeDays delete rotated files older than this, 0 for never
   */
  AuditFile(Path path, int maxSizeMb, int maxBackups, int maxAgeDays) throws IOException {
    this.path = path;
    this.maxBytes = maxSizeMb * 1024L * 1024L;
    this.maxBackups = maxBackups;
    this.maxAgeDays = maxAgeDays;
    String file = path.getFileName().toString();
    int dot = file.lastIndexOf('.');
    this.stem = dot > 0 ? file.substring(0, dot) : file;
    this.ext = dot > 0 ? file.substring(dot) : "";
    open();
  }

  private boolean stdout() {
    return path.toString().equals("-");
  }

  private void open() throws IOException {
    if (stdout()) {
      out = new BufferedOutputStream(System.out, 64 * 1024);
      return;
    }
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    if (!Files.exists(path)
        && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    out =
        new BufferedOutputStream(
            Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            64 * 1024);
    size = Files.size(path);
  }

  /** Appends one line (which ends in '\n'), rotating first when it would pass the limit. */
  void write(byte[] line) throws IOException {
    if (!stdout() && maxBytes > 0 && size > 0 && size + line.length > maxBytes) {
      rotate();
    }
    out.write(line);
    size += line.length;
  }

  void flush() throws IOException {
    out.flush();
  }

  private void rotate() throws IOException {
    out.close();
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
    Path backup = path.resolveSibling(stem + "-" + now.format(BACKUP_TIME) + ext);
    while (Files.exists(backup)) { // two rotations within a millisecond
      now = now.plusNanos(1_000_000);
      backup = path.resolveSibling(stem + "-" + now.format(BACKUP_TIME) + ext);
    }
    Files.move(path, backup);
    open();
    prune();
  }

  /** Removes backups past the count or age limits, oldest first. */
  private void prune() throws IOException {
    List<Path> backups = backups();
    backups.sort(Comparator.comparing(this::backupTime).reversed());
    Instant cutoff = maxAgeDays > 0 ? Instant.now().minus(Duration.ofDays(maxAgeDays)) : null;
    for (int i = 0; i < backups.size(); i++) {
      Path b = backups.get(i);
      if ((maxBackups > 0 && i >= maxBackups)
          || (cutoff != null && backupTime(b).isBefore(cutoff))) {
        Files.deleteIfExists(b);
      }
    }
  }

  /** The rotated files of this log, by their name's pattern. */
  List<Path> backups() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(path.toAbsolutePath().getParent())) {
      files.filter(p -> backupTime(p) != Instant.MIN).forEach(out::add);
    }
    return out;
  }

  private Instant backupTime(Path p) {
    String name = p.getFileName().toString();
    String prefix = stem + "-";
    if (!name.startsWith(prefix) || !name.endsWith(ext) || name.length() <= prefix.length()) {
      return Instant.MIN;
    }
    String time = name.substring(prefix.length(), name.length() - ext.length());
    try {
      return LocalDateTime.parse(time, BACKUP_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return Instant.MIN;
    }
  }

  @Override
  public void close() throws IOException {
    out.flush();
    if (!stdout()) {
      out.close();
    }
  }
}
