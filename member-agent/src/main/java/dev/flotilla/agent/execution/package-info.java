/**
 * Work execution, Karmada's execution and work-status controllers in one level-based controller.
 *
 * <p>Reconcile of one Work is a list of steps: add the finalizer, map manifests to member
 * resources, make sure member informers cover them, apply each manifest (server-side apply, CRDs
 * first), prune what left the Work, write the status. Member informers watch only objects labelled
 * {@code karmada.io/managed=true} and enqueue the Work named in their annotations, so Work status
 * follows the member and member-side drift is put back.
 *
 * <p>What a Work applied is known from three places: the member caches (objects annotated with the
 * Work), the Work's last reported {@code manifestStatuses} (these survive restarts), and its
 * current manifests. An object is deleted only after a fresh read shows it still names the Work,
 * with its resourceVersion as a precondition. Nothing is pruned because the hub cannot be read:
 * deletions follow only a Work's deletionTimestamp or its changed spec, never its absence from a
 * list. One window remains: an object applied for a resource type that no other manifest or status
 * entry mentions, whose manifest is removed while the agent is down before the status was written,
 * is not found again.
 *
 * <p>{@code AppliedRecords} keeps status events (a Deployment's replicas) from re-applying
 * manifests; a restarted agent applies everything once, which server-side apply makes a no-op for
 * unchanged objects.
 */
package dev.flotilla.agent.execution;
