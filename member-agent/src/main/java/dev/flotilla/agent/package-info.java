/** The pull-mode member agent: registration, heartbeat and Work execution (see issue 4). */
package dev.flotilla.agent;
