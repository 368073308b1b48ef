package dev.flotilla.bench;

import java.util.Arrays;

/**
 * A baseline and a variant measured in the same run: creates/s and gets/s in rounds, the two
 * interleaved and who goes first alternating, so warm-up and drift of the machine fall on both
 * alike; reported as means and the median of the per-round variant/baseline ratios (robust to a
 * noisy round).
 */
final class InterleavedRounds {
  /** One side's work in a round: creates numbered from {@code from}, gets of the first ones. */
  interface Side {
    double creates(int from, int count) throws Exception;

    double gets(int existing) throws Exception;
  }

  /** Per-round rates of both sides. */
  record Rates(
      double[] baseCreates, double[] variantCreates, double[] baseGets, double[] variantGets) {}

  private InterleavedRounds() {}

  /** Which side is which in the printed figures, e.g. "no audit", "audited", "audited/plain". */
  record Names(String prefix, String base, String variant, String ratio) {}

  /**
   * Runs the rounds over {@code objects} objects and prints creates and gets as {@link #report}
   * does; returns the rates for figures of the caller's own.
   */
  static Rates compare(int rounds, int objects, Side base, Side variant, Names names)
      throws Exception {
    Rates rates = run(rounds, Math.max(1, objects / rounds), base, variant);
    report(names, "creates", rates.baseCreates(), rates.variantCreates());
    report(names, "gets   ", rates.baseGets(), rates.variantGets());
    return rates;
  }

  /** Runs {@code rounds} rounds of {@code perRound} creates and then gets of all created so far. */
  static Rates run(int rounds, int perRound, Side base, Side variant) throws Exception {
    Rates rates =
        new Rates(new double[rounds], new double[rounds], new double[rounds], new double[rounds]);
    for (int round = 0; round < rounds; round++) {
      int from = round * perRound;
      int existing = (round + 1) * perRound;
      boolean baseFirst = round % 2 == 0;
      for (int turn = 0; turn < 2; turn++) {
        if ((turn == 0) == baseFirst) {
          rates.baseCreates()[round] = base.creates(from, perRound);
          rates.baseGets()[round] = base.gets(existing);
        } else {
          rates.variantCreates()[round] = variant.creates(from, perRound);
          rates.variantGets()[round] = variant.gets(existing);
        }
      }
    }
    return rates;
  }

  /** Creates and gets of ConfigMaps named {@code prefix-N} in {@code namespace}. */
  static Side configMaps(HubClient client, int threads, String namespace, String prefix) {
    String collection = "/api/v1/namespaces/" + namespace + "/configmaps";
    return new Side() {
      @Override
      public double creates(int from, int count) throws Exception {
        return ParallelCalls.perSecond(
            threads,
            count,
            i ->
                ParallelCalls.expect(
                    client.post(
                        collection,
                        "{\"metadata\":{\"name\":\""
                            + prefix
                            + "-"
                            + (from + i)
                            + "\"},\"data\":{\"k\":\"v\"}}"),
                    201));
      }

      @Override
      public double gets(int existing) throws Exception {
        return ParallelCalls.perSecond(
            threads,
            existing,
            i -> ParallelCalls.expect(client.get(collection + "/" + prefix + "-" + i), 200));
      }
    };
  }

  static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  /**
   * Prints e.g. {@code audit creates no audit 900/s, audited 850/s; audited/plain per round, median
   * -5.6% (rounds [...])}.
   */
  static void report(Names names, String what, double[] base, double[] variant) {
    double[] ratios = new double[base.length];
    for (int i = 0; i < base.length; i++) {
      ratios[i] = variant[i] / base[i];
    }
    Arrays.sort(ratios);
    double median = (ratios[(ratios.length - 1) / 2] + ratios[ratios.length / 2]) / 2;
    System.out.printf(
        "%s%s %s %.0f/s, %s %.0f/s; %s per round, median %+.1f%% (rounds %s)%n",
        names.prefix(),
        what,
        names.base(),
        Arrays.stream(base).average().orElse(0),
        names.variant(),
        Arrays.stream(variant).average().orElse(0),
        names.ratio(),
        100.0 * (median - 1),
        Arrays.toString(
            Arrays.stream(ratios).map(r -> Math.round(1000 * (r - 1)) / 10.0).toArray()));
  }
}
