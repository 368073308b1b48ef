/**
 * Defaults for built-in kinds that a real cluster fills in and kubectl users see: a Deployment's
 * RollingUpdate strategy in {@code describe}, a Service's cluster IP in {@code get svc}, a
 * container port's TCP protocol. Only cheap, well-known values are set; nothing here runs a
 * controller.
 *
 * <p>The defaults run as {@link dev.flotilla.apiserver.objects.ObjectHook}s, i.e. after the field
 * manager recorded who set what, so a defaulted value belongs to no manager: a later apply that
 * does not mention it leaves it alone, and an update that drops it gets it back. Updates keep a
 * Service's allocated cluster IPs and node ports when the new object leaves them out, as upstream
 * does for {@code kubectl replace} of a manifest without them.
 */
package dev.flotilla.apiserver.defaults;
