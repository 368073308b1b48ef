package dev.flotilla.policies.matching;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The detector's decision for one resource template: which policy governs it and why.
 *
 * @param outcome what kind of decision this is
 * @param policy the governing (or newly matched) policy, null when none
 * @param kind PropagationPolicy or ClusterPropagationPolicy, null when no policy
 * @param reason a sentence for events and logs
 */
public record PolicyChoice(Outcome outcome, JsonNode policy, PolicyKind kind, String reason) {

  /** The kind of decision. */
  public enum Outcome {
    /** The template keeps the policy that already claimed it. */
    CLAIMED,
    /** An unclaimed template matched a policy; claim it. */
    MATCHED,
    /**
     * A policy with {@code preemption: Always} takes the template from its claimant; re-claim it.
     */
    PREEMPTED,
    /** No policy matches; leave the template alone. */
    NO_MATCH,
    /** The template lives where nothing is ever propagated (reserved or skipped namespace). */
    IGNORED,
    /**
     * The claiming policy no longer exists: remove the claim (and its binding); {@link #policy()}
     * is the policy that matches now, if any, so the controller may claim it in the same pass.
     */
    CLAIM_STALE,
    /** The claiming policy is being deleted; wait until its cleanup has removed the claim. */
    CLAIMANT_DELETING,
    /**
     * The claiming policy exists but its selectors no longer pick the template. Karmada does
     * nothing here (the policy-update path cleans up); the controller should do the same.
     */
    CLAIMANT_NOT_SELECTING
  }

  /** The two policy kinds that can claim a template. */
  public enum PolicyKind {
    PROPAGATION_POLICY("PropagationPolicy"),
    CLUSTER_PROPAGATION_POLICY("ClusterPropagationPolicy");

    private final String kindName;

    PolicyKind(String kindName) {
      this.kindName = kindName;
    }

    /** The API kind, e.g. "PropagationPolicy". */
    public String kindName() {
      return kindName;
    }
  }

  /** The governing policy, if any. */
  public Optional<JsonNode> winner() {
    return Optional.ofNullable(policy);
  }

  /** Whether the controller should (re)write claim metadata for {@link #policy()}. */
  public boolean claimRequired() {
    return policy != null
        && (outcome == Outcome.MATCHED
            || outcome == Outcome.PREEMPTED
            || outcome == Outcome.CLAIM_STALE);
  }
}
