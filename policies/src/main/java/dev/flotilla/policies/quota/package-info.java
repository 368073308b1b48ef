/**
 * FederatedResourceQuota logic: what a workload template asks of a namespace's quota, whether a
 * quota's overall limit allows it, and the ResourceQuota each member gets from its assignment.
 */
package dev.flotilla.policies.quota;
