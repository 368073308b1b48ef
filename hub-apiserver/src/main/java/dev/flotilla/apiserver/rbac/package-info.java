/**
 * Kubernetes RBAC as kube-apiserver does it.
 *
 * <p>{@link dev.flotilla.apiserver.rbac.RbacCache} follows the four RBAC kinds through one store
 * watch (delivered before a write is acknowledged, so a binding takes effect for the very next
 * request) and rebuilds an immutable {@link dev.flotilla.apiserver.rbac.RbacIndex} on the first
 * read after a change. The index resolves every binding's role once and files it under its
 * subjects, so a request looks only at the bindings naming its user or groups: a few map lookups
 * and rule matches, no store read, nothing that blocks.
 *
 * <p>{@link dev.flotilla.apiserver.rbac.HubAuthorizer} is the chain (system:masters, then RBAC;
 * member agents' scope is RBAC objects too, see {@code agent.AgentRbac}); reviews and impersonation
 * ask it the same questions HTTP requests do. {@link dev.flotilla.apiserver.rbac.RbacAdmission}
 * prevents escalation on writes of RBAC objects; {@link
 * dev.flotilla.apiserver.rbac.AggregationController} and {@link
 * dev.flotilla.apiserver.rbac.PolicyBootstrap} keep the default and aggregated roles as upstream's
 * controller and post-start hook do.
 */
package dev.flotilla.apiserver.rbac;
