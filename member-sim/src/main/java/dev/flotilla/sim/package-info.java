/** Simulated member clusters built on hub-apiserver (see issue 4). */
package dev.flotilla.sim;
