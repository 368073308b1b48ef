/**
 * The create-only review resources of {@code authorization.k8s.io} and {@code
 * authentication.k8s.io}: served as {@link dev.flotilla.apiserver.http.VirtualResource}s, answered
 * from memory, stored nowhere.
 */
package dev.flotilla.apiserver.review;
