/** Flotilla's API groups as data: CRD manifests we ship, and pure federation logic without I/O. */
package dev.flotilla.policies;
