/**
 * Schema-driven admission: the {@code fieldValidation} directive (unknown and duplicate fields of
 * built-in and custom kinds), and for custom resources structural pruning, defaulting and OpenAPI
 * v3 validation with upstream's {@code Invalid} causes.
 */
package dev.flotilla.apiserver.validation;
