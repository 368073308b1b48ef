package dev.flotilla.apiserver.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner-only modes for the data directory: it is created 0700 and the store 0700 with its database
 * 0600 (SQLite gives its WAL and shared-memory files the database's mode); secrets written by the
 * hub are 0600 already. An existing directory or secret file that others can read is reported at
 * start, with the command that fixes it; the hub does not change modes an operator chose.
 */
public final class DataDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  private static final Set<PosixFilePermission> OTHERS =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private DataDirectory() {}

  /**
   * Creates {@code dataDir} (0700) when absent, else warns about what others may read in it;
   * returns the warnings given.
   */
  public static List<String> prepare(Path dataDir) {
    try {
      if (!Files.exists(dataDir)) {
        createPrivateDirectory(dataDir);
        return List.of();
      }
      List<String> warnings = looseModes(dataDir);
      warnings.forEach(LOG::warn);
      return warnings;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the data directory " + dataDir, e);
    }
  }

  /**
   * {@code dataDir/store} (0700) with its database file created 0600 before SQLite opens it, so the
   * database, its WAL and its shared-memory file are never readable by others.
   */
  public static Path secureStore(Path dataDir) {
    Path store = dataDir.resolve("store");
    try {
      if (!Files.exists(store)) {
        createPrivateDirectory(store);
      }
      Path db = store.resolve("flotilla.db");
      if (!Files.exists(db) && posix(store)) {
        Files.createFile(
            db, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the store directory " + store, e);
    }
  }

  /** The directory and secret files under {@code dataDir} that others may access. */
  static List<String> looseModes(Path dataDir) throws IOException {
    List<String> warnings = new ArrayList<>();
    if (!posix(dataDir)) {
      return warnings;
    }
    for (Path dir : List.of(dataDir, dataDir.resolve("store"))) {
      if (Files.isDirectory(dir) && !others(dir).isEmpty()) {
        warnings.add(
            "data directory "
                + dir
                + " is mode "
                + mode(dir)
                + ": other users can reach the store and credentials; run chmod 700 "
                + dir);
      }
    }
    try (Stream<Path> files = Files.walk(dataDir, 3)) {
      for (Path f : files.filter(Files::isRegularFile).filter(DataDirectory::secret).toList()) {
        Set<PosixFilePermission> others = others(f);
        if (others.contains(PosixFilePermission.GROUP_READ)
            || others.contains(PosixFilePermission.OTHERS_READ)) {
          warnings.add(
              "secret file "
                  + f
                  + " is mode "
                  + mode(f)
                  + ", readable by other users; run chmod 600 "
                  + f);
        }
      }
    }
    return warnings;
  }

  /** Files that hold credentials or stored objects (Secrets among them). */
  private static boolean secret(Path f) {
    String name = f.getFileName().toString();
    return name.endsWith(".key")
        || name.endsWith(".token")
        || name.equals("kubeconfig")
        || name.endsWith(".kubeconfig")
        || name.startsWith("flotilla.db");
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir.toAbsolutePath().getParent());
    if (posix(dir.toAbsolutePath().getParent())) {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectory(dir);
    }
  }

  private static boolean posix(Path p) {
    return p.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static Set<PosixFilePermission> others(Path p) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
    perms.retainAll(OTHERS);
    return perms;
  }

  private static String mode(Path p) throws IOException {
    int bits = 0;
    for (PosixFilePermission perm : Files.getPosixFilePermissions(p)) {
      bits |= 1 << (8 - perm.ordinal());
    }
    return String.format("%04o", bits);
  }
}
