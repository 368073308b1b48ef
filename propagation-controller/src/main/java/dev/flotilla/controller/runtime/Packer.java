package dev.flotilla.controller.runtime;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Deflate with a preset dictionary: the first JSON document packed (one object of the cache's kind)
 * becomes the dictionary of every later one. Objects of one kind share most of their keys and much
 * of their values (a Work's labels, its manifest's shape, its conditions), so each packs to a small
 * fraction of its JSON where deflating it alone would gain little. Packed form: the plain length (4
 * bytes) then the zlib stream.
 */
final class Packer {
  /**
   * zlib's state lives outside the heap (about 270 KiB a Deflater, 40 KiB an Inflater): a few are
   * kept for whichever thread packs next. One per thread, as before, held that much for each of the
   * hundred-odd controller, informer and writer threads that ever packed, and pooled threads that
   * came and went left theirs behind until a full GC ran their cleaners.
   */
  private static final int KEEP = Math.max(2, Runtime.getRuntime().availableProcessors());

  private static final ArrayBlockingQueue<Deflater> DEFLATERS = new ArrayBlockingQueue<>(KEEP);
  private static final ArrayBlockingQueue<Inflater> INFLATERS = new ArrayBlockingQueue<>(KEEP);

  private volatile byte[] dictionary;

  byte[] pack(byte[] plain) {
    byte[] dict = dictionary;
    if (dict == null) {
      synchronized (this) {
        if (dictionary == null) {
          dictionary = plain.clone();
        }
        dict = dictionary;
      }
    }
    Deflater deflater = DEFLATERS.poll();
    if (deflater == null) {
      deflater = new Deflater(Deflater.BEST_SPEED);
    }
    try {
      deflater.reset();
      deflater.setDictionary(dict);
      deflater.setInput(plain);
      deflater.finish();
      byte[] out = new byte[4 + plain.length + plain.length / 8 + 64];
      int n = 4;
      while (!deflater.finished()) {
        if (n == out.length) {
          out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        n += deflater.deflate(out, n, out.length - n);
      }
      ByteBuffer.wrap(out).putInt(0, plain.length);
      return java.util.Arrays.copyOf(out, n);
    } finally {
      if (!DEFLATERS.offer(deflater)) {
        deflater.end();
      }
    }
  }

  byte[] unpack(byte[] packed) {
    Inflater inflater = INFLATERS.poll();
    if (inflater == null) {
      inflater = new Inflater();
    }
    try {
      return inflate(inflater, packed);
    } finally {
      if (!INFLATERS.offer(inflater)) {
        inflater.end();
      }
    }
  }

  private byte[] inflate(Inflater inflater, byte[] packed) {
    inflater.reset();
    inflater.setInput(packed, 4, packed.length - 4);
    byte[] plain = new byte[ByteBuffer.wrap(packed).getInt(0)];
    try {
      int n = 0;
      while (n < plain.length) {
        int got = inflater.inflate(plain, n, plain.length - n);
        if (got == 0 && inflater.needsDictionary()) {
          inflater.setDictionary(dictionary);
        } else if (got == 0 && (inflater.finished() || inflater.needsInput())) {
          throw new IllegalStateException("packed object ends early");
        }
        n += got;
      }
    } catch (DataFormatException e) {
      throw new IllegalStateException("packed object unreadable", e); // packed here, by us
    }
    return plain;
  }
}
