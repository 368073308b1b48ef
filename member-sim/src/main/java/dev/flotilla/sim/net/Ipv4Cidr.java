package dev.flotilla.sim.net;

/**
 * An IPv4 block such as 10.97.0.0/16; addresses are named by their offset from the block's first
 * address.
 */
public record Ipv4Cidr(long base, int prefix) {

  public Ipv4Cidr {
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix length must be 0..32, got " + prefix);
    }
    if ((base & ~mask(prefix)) != 0) {
      throw new IllegalArgumentException(format(base) + "/" + prefix + " has host bits set");
    }
  }

  /** Parses "a.b.c.d/n". */
  public static Ipv4Cidr parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR (a.b.c.d/n): " + cidr);
    }
    long base = parseAddress(cidr.substring(0, slash));
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR (a.b.c.d/n): " + cidr);
    }
    return new Ipv4Cidr(base, prefix);
  }

  /** The address as an unsigned 32-bit number, or -1 when {@code ip} is not dotted-quad IPv4. */
  public static long tryParseAddress(String ip) {
    if (ip == null) {
      return -1;
    }
    String[] parts = ip.split("\\.", -1);
    if (parts.length != 4) {
      return -1;
    }
    long value = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        return -1;
      }
      int octet = Integer.parseInt(p);
      if (octet > 255 || (p.length() > 1 && p.charAt(0) == '0')) {
        return -1;
      }
      value = (value << 8) | octet;
    }
    return value;
  }

  public static long parseAddress(String ip) {
    long v = tryParseAddress(ip);
    if (v < 0) {
      throw new IllegalArgumentException("not an IPv4 address: " + ip);
    }
    return v;
  }

  public static String format(long address) {
    return ((address >> 24) & 255)
        + "."
        + ((address >> 16) & 255)
        + "."
        + ((address >> 8) & 255)
        + "."
        + (address & 255);
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }

  /** How many addresses the block holds. */
  public long size() {
    return 1L << (32 - prefix);
  }

  public String address(long offset) {
    if (offset < 0 || offset >= size()) {
      throw new IllegalArgumentException("offset " + offset + " outside " + this);
    }
    return format(base + offset);
  }

  /** The offset of {@code ip} in this block, or -1 when it is outside (or not IPv4). */
  public long offsetOf(String ip) {
    long v = tryParseAddress(ip);
    if (v < 0 || v < base || v >= base + size()) {
      return -1;
    }
    return v - base;
  }

  public boolean contains(String ip) {
    return offsetOf(ip) >= 0;
  }

  /** The {@code index}-th sub-block of length {@code subPrefix}, e.g. the third /24 of a /16. */
  public Ipv4Cidr subnet(int subPrefix, long index) {
    if (subPrefix < prefix || subPrefix > 32) {
      throw new IllegalArgumentException("/" + subPrefix + " does not fit in " + this);
    }
    long count = 1L << (subPrefix - prefix);
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(this + " has no sub-block /" + subPrefix + " #" + index);
    }
    return new Ipv4Cidr(base + index * (1L << (32 - subPrefix)), subPrefix);
  }

  /** True when the two blocks share an address. */
  public boolean overlaps(Ipv4Cidr other) {
    return base < other.base + other.size() && other.base < base + size();
  }

  @Override
  public String toString() {
    return format(base) + "/" + prefix;
  }
}
